import type { AssertionSpec } from '../suite/schema.ts';
import type { AssertionType, GradeContext, JudgeResponse, Verdict } from './types.ts';
import { GradingError } from './grading-error.ts';
import { withTimeout } from './timeout.ts';

/** What one assertion's grader gave: a verdict, or why there is none. Plain data (crosses threads). */
export type ItemOutcome =
  | { ok: true; verdict: Verdict }
  | { ok: false; message: string; timedOut?: boolean; judgeCall?: JudgeResponse };

/**
 * Runs one grader under its time limit and turns a throw into data. The same function grades on
 * the calling thread (cheap and judge assertions) and in a grading worker (everything else), so a
 * verdict does not depend on where it was computed.
 */
export async function gradeItem(def: AssertionType, spec: AssertionSpec, ctx: GradeContext, ms: number): Promise<ItemOutcome> {
  try {
    return { ok: true, verdict: await withTimeout((signal) => def.grade(spec, ctx, signal), ms) };
  } catch (e) {
    if (!(e instanceof GradingError)) return { ok: false, message: `grader threw: ${describe(e)}` };
    return { ok: false, message: e.message, timedOut: e.code === 'GRADER_TIMEOUT' || undefined, judgeCall: e.judgeCall };
  }
}

export function describe(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  try {
    return typeof e === 'string' ? e : JSON.stringify(e) ?? String(e);
  } catch {
    return String(e);
  }
}
