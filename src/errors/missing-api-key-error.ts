import { EvalbenchError, EXIT } from './evalbench-error.ts';

/** Raised before any request is sent, naming the variable (never a value). */
export class MissingApiKeyError extends EvalbenchError {
  readonly envVar: string;
  constructor(envVar: string, providerId: string) {
    super(
      'MISSING_API_KEY',
      `missing API key: provider "${providerId}" reads its key from the environment variable ${envVar}, which is not set. ` +
        `Set it (export ${envVar}=...) or remove the provider's models from the run.`,
      EXIT.badInput,
    );
    this.envVar = envVar;
  }
}
