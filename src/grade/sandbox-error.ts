import { EvalbenchError, EXIT } from '../errors/index.ts';

export type SandboxErrorCode =
  | 'SANDBOX_TIMEOUT' // ran past its time limit (an endless loop, or a promise that never settled)
  | 'SANDBOX_MEMORY' // allocated past its memory limit (heap, or array buffers)
  | 'SANDBOX_SYNTAX' // the code does not parse as a script
  | 'SANDBOX_THREW' // the code or the function threw
  | 'SANDBOX_NO_FUNCTION' // no function of that name after running the code
  | 'SANDBOX_BAD_INPUT'; // fnName not an identifier, args not JSON-serialisable, result not a string copy

/** Raised by runInSandbox; a grader that lets it through gets a failed assertion with this message. */
export class SandboxError extends EvalbenchError {
  constructor(code: SandboxErrorCode, message: string) {
    super(code, message, EXIT.runIncomplete);
  }
}
