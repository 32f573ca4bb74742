import { EvalbenchError, EXIT } from './evalbench-error.ts';

/** Bad input that is not a suite file: a flag, a model reference, a price file... Exit 2. */
export class InputError extends EvalbenchError {
  constructor(code: string, message: string) {
    super(code, message, EXIT.badInput);
  }
}
