import { EXIT } from '../errors/index.ts';
import type { RunOutcome } from '../session/index.ts';

/** Exit code of a finished run: 3 when it was interrupted or no request succeeded. */
export function runExitCode(outcome: Pick<RunOutcome, 'counts'>): number {
  if (outcome.counts.interrupted) return EXIT.runIncomplete;
  if (outcome.counts.rows > 0 && outcome.counts.ok === 0) return EXIT.runIncomplete;
  return EXIT.ok;
}

/** A sweep: the first level that could not complete decides (3), else 0. */
export function sweepExitCode(levels: readonly Pick<RunOutcome, 'counts'>[]): number {
  return firstFailure(levels.map(runExitCode));
}

/**
 * A run's code once its checks are in: an incomplete run (3) before a failed gate, budget or
 * regression (1), which the caller lists as `checksFailed`.
 */
export function checkedRunExitCode(outcome: Pick<RunOutcome, 'counts'>, checksFailed: readonly boolean[]): number {
  return firstFailure([runExitCode(outcome), checksFailed.some(Boolean) ? EXIT.gateFailed : EXIT.ok]);
}

/** The first code that is not ok, in the order of precedence given. */
function firstFailure(codes: readonly number[]): number {
  return codes.find((c) => c !== EXIT.ok) ?? EXIT.ok;
}
