import type { AssertionSpec } from '../suite/schema.ts';
import { substituteVars, type VarValue } from '../suite/placeholders.ts';
import type { AssertionResult, GradeContext, GradeOptions, GradeResult, JudgeResponse, JudgeUsage, Verdict } from './types.ts';
import { ASSERTIONS, splitType } from './assertions/index.ts';
import type { AssertionType } from './types.ts';
import { gradeItem } from './grade-item.ts';
import { sharedGradePool } from './workers/grade-pool.ts';
import type { PoolContext } from './workers/grade-protocol.ts';

export const GRADER_TIMEOUT_MS = 5_000;
/** A judge is a model call (often a reasoning model): it gets far longer than code. */
export const JUDGE_TIMEOUT_MS = 120_000;

/**
 * Grades one answer against its assertions (case `assert` plus suite `default_assert`, merged by
 * the caller). Never throws: a grader that throws, times out or cannot decide gives a failed
 * assertion whose reason says why. Cheap types run here; the rest (regexes, JSON, code graders)
 * in a grading worker (`options.pool`, else a shared one), where a time limit really stops them.
 * - score = weighted mean of assertion scores (weight default 1; all weights 0 -> plain mean;
 *   no assertions -> 1);
 * - passed = every assertion passes when `threshold` is undefined, else score >= threshold.
 */
export async function gradeOutput(
  specs: AssertionSpec[],
  threshold: number | undefined,
  ctx: GradeContext,
  options: GradeOptions = {},
): Promise<GradeResult> {
  const judgeCalls: JudgeResponse[] = [];
  let judgeFailures = 0;
  let usesJudge = false;

  const planned = specs.map((spec) => planAssertion(spec, ctx, options));
  // Everything but the cheap and judge types goes to the pool, in one task per answer.
  const pooled = planned.filter((p): p is Planned => p !== undefined && !runsHere(p.def));
  const fromPool = pooled.length === 0 ? []
    : await (options.pool ?? sharedGradePool()).run('grade', withoutJudge(ctx), pooled.map((p) => ({ spec: p.rendered, ms: p.ms })));

  const results = await Promise.all(
    planned.map(async (p, i): Promise<AssertionResult> => {
      const spec = specs[i];
      const weight = spec.weight ?? 1;
      if (!p) return failed(spec.type, weight, `unknown assertion type "${spec.type}"`);
      if (p.def.timeoutKind === 'judge') usesJudge = true;
      const outcome = runsHere(p.def) ? await gradeItem(p.def, p.rendered, ctx, p.ms) : fromPool[pooled.indexOf(p)];
      if (!outcome.ok) {
        if (outcome.judgeCall) judgeCalls.push(outcome.judgeCall);
        else if (p.def.timeoutKind === 'judge') judgeFailures++;
        return { ...failed(spec.type, weight, outcome.message), ...(outcome.timedOut ? { timedOut: true } : {}) };
      }
      const v = outcome.verdict;
      if (v.judgeCall) judgeCalls.push(v.judgeCall);
      const pass = p.negated ? !v.pass : v.pass;
      const score = clamp01(p.negated ? 1 - v.score : v.score);
      const expected = p.negated ? `not (${v.expected})` : v.expected;
      return { type: spec.type, pass, score, reason: `${spec.type}: expected ${expected}; got ${v.got}`, weight };
    }),
  );

  const score = combinedScore(results);
  const passed = threshold === undefined ? results.every((r) => r.pass) : score >= threshold - 1e-9;
  const out: GradeResult = { passed, score, results, reasons: results.filter((r) => !r.pass).map((r) => r.reason) };
  if (usesJudge) out.judgeUsage = sumJudgeUsage(judgeCalls, judgeFailures);
  return out;
}

interface Planned {
  def: AssertionType;
  negated: boolean;
  /** The spec with `{{var}}` filled in. */
  rendered: AssertionSpec;
  /** Time limit, ms. */
  ms: number;
}

function planAssertion(spec: AssertionSpec, ctx: GradeContext, options: GradeOptions): Planned | undefined {
  const { base, negated } = splitType(spec.type);
  const def = ASSERTIONS[base];
  if (!def) return undefined;
  const own = (spec as Record<string, unknown>).timeout_ms;
  const ms = typeof own === 'number' && own > 0 ? own
    : def.timeoutKind === 'judge' ? options.judgeTimeoutMs ?? JUDGE_TIMEOUT_MS
    : options.timeoutMs ?? GRADER_TIMEOUT_MS;
  return { def, negated, rendered: def.templated ? renderValue(spec, ctx.vars) : spec, ms };
}

/** Linear-time types stay on the calling thread (no copy of the answer); a judge needs the caller's HTTP client. */
function runsHere(def: AssertionType): boolean {
  return def.inline === true || def.timeoutKind === 'judge';
}

function withoutJudge(ctx: GradeContext): PoolContext {
  const { judge: _judge, ...rest } = ctx;
  return rest;
}

function failed(type: string, weight: number, reason: string): AssertionResult {
  return { type, pass: false, score: 0, reason: `${type}: ${reason}`, weight, errored: true };
}

export function combinedScore(results: Pick<AssertionResult, 'score' | 'weight'>[]): number {
  if (results.length === 0) return 1;
  const total = results.reduce((s, r) => s + r.weight, 0);
  if (total <= 0) return results.reduce((s, r) => s + r.score, 0) / results.length;
  return clamp01(results.reduce((s, r) => s + r.weight * r.score, 0) / total);
}

/** Totals are null when any call left that figure unreported: a partial sum would understate. */
export function sumJudgeUsage(calls: JudgeResponse[], failures: number): JudgeUsage {
  const sum = (pick: (c: JudgeResponse) => number | null): number | null =>
    calls.some((c) => pick(c) === null) ? null : calls.reduce((s, c) => s + (pick(c) as number), 0);
  return {
    calls: calls.length,
    failures,
    promptTokens: sum((c) => c.promptTokens),
    completionTokens: sum((c) => c.completionTokens),
    latencyMs: calls.reduce((s, c) => s + c.latencyMs, 0),
    costUsd: sum((c) => c.costUsd),
  };
}

/** Fills `{{var}}` in a string value or list of strings from the case's vars. */
function renderValue(spec: AssertionSpec, vars: Record<string, unknown>): AssertionSpec {
  const scalars: Record<string, VarValue> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') scalars[k] = v;
  }
  const v = spec.value;
  if (typeof v === 'string') return { ...spec, value: substituteVars(v, scalars) };
  if (Array.isArray(v)) return { ...spec, value: v.map((x) => (typeof x === 'string' ? substituteVars(x, scalars) : x)) };
  return spec;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
