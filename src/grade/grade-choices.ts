import type { AssertionSpec } from '../suite/schema.ts';
import { gradeOutput } from './grade-output.ts';
import type { GradeContext, GradeOptions, GradeResult, JudgeUsage } from './types.ts';

/** Each choice's grade and the answer's: the rule for n > 1 (README "Request parameters", docs/metrics.md). */
export interface ChoicesGrade {
  perChoice: GradeResult[];
  /** passed = every choice passed; score = mean of the choices' scores; reasons prefixed `choice i:`. */
  combined: GradeResult;
}

function addUsage(a: JudgeUsage | undefined, b: JudgeUsage | undefined): JudgeUsage | undefined {
  if (!a || !b) return a ?? b;
  const add = (x: number | null, y: number | null) => (x === null || y === null ? null : x + y);
  return {
    calls: a.calls + b.calls, failures: a.failures + b.failures, promptTokens: add(a.promptTokens, b.promptTokens),
    completionTokens: add(a.completionTokens, b.completionTokens), latencyMs: a.latencyMs + b.latencyMs, costUsd: add(a.costUsd, b.costUsd),
  };
}

/**
 * Grade every choice of one answer with the same assertions (one gradeOutput per choice, so a
 * judge is asked once per choice) and combine: the answer passes when all its choices do.
 */
export async function gradeChoices(
  specs: AssertionSpec[], threshold: number | undefined, contexts: GradeContext[], options: GradeOptions = {},
): Promise<ChoicesGrade> {
  const perChoice = await Promise.all(contexts.map((ctx) => gradeOutput(specs, threshold, ctx, options)));
  const combined: GradeResult = {
    passed: perChoice.every((g) => g.passed),
    score: perChoice.reduce((s, g) => s + g.score, 0) / Math.max(1, perChoice.length),
    results: perChoice.flatMap((g) => g.results),
    reasons: perChoice.flatMap((g, i) => g.reasons.map((r) => `choice ${i}: ${r}`)),
  };
  const usage = perChoice.reduce<JudgeUsage | undefined>((u, g) => addUsage(u, g.judgeUsage), undefined);
  if (usage) combined.judgeUsage = usage;
  return { perChoice, combined };
}
