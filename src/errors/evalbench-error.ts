/** Exit codes are part of the user-facing contract (docs/metrics.md). */
export const EXIT = { ok: 0, gateFailed: 1, badInput: 2, runIncomplete: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Base of every error evalbench raises on purpose. `code` is stable (tests and programs match
 * on it); `message` is written for the user: what failed, where, and how to fix it.
 */
export class EvalbenchError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  constructor(code: string, message: string, exitCode: ExitCode = EXIT.badInput, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}
