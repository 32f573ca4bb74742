import { EvalbenchError, EXIT } from '../errors/index.ts';
import type { JudgeResponse } from './types.ts';

export type GradingErrorCode = 'GRADER_TIMEOUT' | 'JUDGE_UNPARSEABLE' | 'NOT_MEASURED' | 'GRADER_INVALID_RESULT';

/**
 * A grader that could not give a verdict. Never escapes gradeOutput: it becomes a failed
 * assertion whose reason is `message`. A `not-` prefix never turns it into a pass.
 */
export class GradingError extends EvalbenchError {
  /** A judge call that answered but could not be used: its usage still counts. */
  readonly judgeCall?: JudgeResponse;
  constructor(code: GradingErrorCode, message: string, judgeCall?: JudgeResponse) {
    super(code, message, EXIT.runIncomplete);
    this.judgeCall = judgeCall;
  }
}
