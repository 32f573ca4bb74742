import {
  comparePairs, configKey, configLabel, DEFAULT_SEED, formatP, holmAdjust, passOutcome, passRate, quantileRatio,
  type GradedCases, type PairOutcome,
} from '../../grade/statistics/index.ts';
import { InputError } from '../../errors/input-error.ts';
import type { RowStatus } from '../../results/result-row.ts';
import type { GroupSummary } from '../summary.ts';
import { fmtMs, fmtPct } from '../summary-format.ts';
import { loadRunForComparison, type LoadedRun, type RowOutcome } from './load-run.ts';

export interface CompareOptions {
  /** A p95 latency or TTFT ratio new/base above this is a regression; default 1.2 (20% slower). */
  latencyTolerance?: number;
  /** Significance level of the paired quality test; default 0.05. */
  alpha?: number;
  /** Holm-adjust the per-configuration p-values (many configurations, one verdict); default false. */
  holm?: boolean;
  /** Bootstrap resamples of the pass-rate difference interval; default 2000. */
  iterations?: number;
  /** Bootstrap seed; default the quality report's. */
  seed?: number;
}

/** A number in both runs: diff = new - base, ratio = new / base (null when either is missing, or base is 0). */
export interface Change {
  base: number | null;
  new: number | null;
  diff: number | null;
  ratio: number | null;
  /**
   * Latency percentiles of a configuration: 95% bootstrap interval of the ratio, resampling both
   * runs' measured requests (quantileRatio). A slowdown counts only when it lies above 1.
   */
  ratio_ci95?: { low: number; high: number } | null;
}

export interface PassRateSide {
  passes: number;
  /** Graded outcomes; errors on graded cases count as failures (as in the quality report). */
  graded: number;
  rate: number | null;
}

/** The paired test on (case, repeat) pairs graded in both runs, aggregated by case. */
export interface PairedPassTest {
  n: number;
  /** Cases behind the pairs: the independent units. */
  cases: number;
  both_pass: number;
  /** Passed in base, failed in new (McNemar's b). */
  base_only: number;
  /** Failed in base, passed in new (McNemar's c). */
  new_only: number;
  both_fail: number;
  /** New minus base pass rate over the pairs, with a case-level paired-bootstrap 95% interval. */
  diff: number;
  low: number;
  high: number;
  /** Exact McNemar p-value (clustered McNemar when cases repeat); Holm-adjusted across configurations when opts.holm. */
  p_value: number;
  test: 'exact-mcnemar' | 'clustered-mcnemar';
}

export interface PassRateChange {
  base: PassRateSide;
  new: PassRateSide;
  /** null when no (case, repeat) is graded in both runs. */
  paired: PairedPassTest | null;
  /** The pass rate fell and the paired test says so: p < alpha. */
  significant_drop: boolean;
}

/** A case that passed in the base run and fails in the new one. */
export interface CaseRegression {
  case_id: string;
  repeat: number;
  /** 'ok' (answer graded as failed) or 'error' (the request failed). */
  status: RowStatus;
  error_type: string | null;
  /** The new run's failed assertion reasons. */
  reasons: string[];
}

export interface ConfigComparison {
  key: string;
  label: string;
  provider: string;
  model: string;
  reasoning_effort: string;
  requests: { base: GroupSummary['counts']; new: GroupSummary['counts'] };
  /** Failed requests / requests sent (ok + error). */
  error_rate: Change;
  pass_rate: PassRateChange;
  ttft_p50_ms: Change;
  ttft_p95_ms: Change;
  latency_p50_ms: Change;
  latency_p95_ms: Change;
  total_tokens: Change;
  completion_tokens: Change;
  cost_usd: Change;
  /** Passed before, fail now; sorted by case id and repeat. */
  regressions: CaseRegression[];
  /** Failed before, pass now. */
  fixed: number;
  regressed: boolean;
  /** Why `regressed` (empty when not). */
  reasons: string[];
}

export interface RunRef {
  dir: string;
  suite: string;
  started_at: string;
}

export interface Comparison {
  base: RunRef;
  new: RunRef;
  latency_tolerance: number;
  alpha: number;
  holm: boolean;
  /** Configurations (provider:model x effort) in both runs, in the new run's summary order. */
  configs: ConfigComparison[];
  only_in_base: string[];
  only_in_new: string[];
  /** The runs as a whole (all configurations of each); the paired test pools every shared pair. */
  overall: Omit<ConfigComparison, 'key' | 'label' | 'provider' | 'model' | 'reasoning_effort' | 'regressions' | 'fixed'>;
  /** Case names carry `#repeat` (some case ran more than once). */
  repeats: boolean;
  regressed: boolean;
  /** Every reason, prefixed with its configuration. */
  reasons: string[];
  warnings: string[];
}

/**
 * Compare a new run against a baseline run, both folders with results.jsonl (+ summary.json).
 *
 * Per configuration present in both: pass rates (errors on graded cases count as failures), the
 * exact McNemar test and a paired-bootstrap interval on the (case, repeat) pairs graded in both,
 * p50/p95 TTFT and latency as ratios new/base, error rate, token and cost totals, and the cases
 * that passed before and fail now.
 *
 * A configuration regressed when its pass rate dropped significantly (McNemar p < alpha, new
 * below base) or its p95 latency or p95 TTFT ratio exceeds latencyTolerance. The comparison
 * regressed when any configuration did, or the pass rate over all shared pairs dropped
 * significantly. Latency ratios of the whole runs are shown but not judged (their mix of
 * configurations may differ). p95 of a few requests is noisy: use enough cases or repeats, or a
 * wider tolerance.
 */
export async function compareRuns(baseDir: string, newDir: string, opts: CompareOptions = {}): Promise<Comparison> {
  const [base, next] = await Promise.all([loadRunForComparison(baseDir), loadRunForComparison(newDir)]);
  return compareLoadedRuns(base, next, opts);
}

/** compareRuns on runs already loaded (see loadRunForComparison). */
export function compareLoadedRuns(base: LoadedRun, next: LoadedRun, opts: CompareOptions = {}): Comparison {
  const tolerance = opts.latencyTolerance ?? 1.2;
  if (!(tolerance > 0) || !Number.isFinite(tolerance)) throw new RangeError(`latencyTolerance must be a positive number, got ${tolerance}`);
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const boot = { iterations: opts.iterations ?? 2000, seed: opts.seed ?? DEFAULT_SEED, confidence: 0.95 };
  const holm = opts.holm ?? false;

  const keyOf = (g: GroupSummary) => configKey(g.provider, g.model, g.reasoning_effort);
  const baseGroups = new Map(base.summary.groups.map((g) => [keyOf(g), g]));
  const newKeys = new Set(next.summary.groups.map(keyOf));
  const label = (g: GroupSummary) => configLabel(g.provider, g.model, g.reasoning_effort);

  const configs: ConfigComparison[] = [];
  for (const ng of next.summary.groups) {
    const bg = baseGroups.get(keyOf(ng));
    if (!bg) continue;
    const key = keyOf(ng);
    const bo = base.outcomes.get(key) ?? new Map<string, RowOutcome>();
    const no = next.outcomes.get(key) ?? new Map<string, RowOutcome>();
    const pairs = pairOutcomes(bo, no, base.gradedCases, next.gradedCases);
    const changes = groupChanges(bg, ng);
    addRatioIntervals(changes, bo, no, boot.seed);
    configs.push({
      key,
      label: label(ng),
      provider: ng.provider,
      model: ng.model,
      reasoning_effort: ng.reasoning_effort,
      ...changes,
      pass_rate: {
        base: side(bo, base.gradedCases),
        new: side(no, next.gradedCases),
        paired: pairedTest(pairs.base, pairs.new, boot),
        significant_drop: false,
      },
      regressions: pairs.regressions,
      fixed: pairs.fixed,
      regressed: false,
      reasons: [],
    });
  }

  const raw = configs.map((c) => c.pass_rate.paired?.p_value ?? NaN);
  const adjusted = holm ? holmAdjust(raw) : raw;
  configs.forEach((c, i) => {
    if (c.pass_rate.paired) c.pass_rate.paired.p_value = adjusted[i];
    judge(c, tolerance, alpha, true);
  });

  // Overall: every configuration of each run; the paired test pools the shared pairs of all configurations.
  const pooledBase = new Map<string, PairOutcome>();
  const pooledNew = new Map<string, PairOutcome>();
  for (const c of configs) {
    const pairs = pairOutcomes(base.outcomes.get(c.key)!, next.outcomes.get(c.key)!, base.gradedCases, next.gradedCases);
    for (const [k, o] of pairs.base) pooledBase.set(`${c.key}\u0000${k}`, o);
    for (const [k, o] of pairs.new) pooledNew.set(`${c.key}\u0000${k}`, o);
  }
  const all = (run: LoadedRun) => {
    const merged = new Map<string, RowOutcome>();
    for (const [k, m] of run.outcomes) for (const [p, o] of m) merged.set(`${k}\u0000${p}`, o);
    return side(merged, run.gradedCases);
  };
  const overall = {
    ...groupChanges(base.summary.overall, next.summary.overall),
    pass_rate: { base: all(base), new: all(next), paired: pairedTest(pooledBase, pooledNew, boot), significant_drop: false },
    regressed: false,
    reasons: [] as string[],
  };
  judge(overall, tolerance, alpha, false);

  const onlyBase = base.summary.groups.filter((g) => !newKeys.has(keyOf(g))).map(label);
  const onlyNew = next.summary.groups.filter((g) => !baseGroups.has(keyOf(g))).map(label);
  const warnings: string[] = [];
  if (base.summary.suite !== next.summary.suite) {
    warnings.push(`the runs are of different suites (\`${base.summary.suite}\` and \`${next.summary.suite}\`)`);
  }
  if (configs.length === 0) warnings.push('no model x effort is in both runs: nothing to compare');
  if (onlyBase.length > 0) warnings.push(`only in the baseline: ${onlyBase.join(', ')}`);
  if (onlyNew.length > 0) warnings.push(`only in the new run: ${onlyNew.join(', ')}`);

  const reasons = [
    ...configs.flatMap((c) => c.reasons.map((r) => `${c.label}: ${r}`)),
    ...overall.reasons.map((r) => `overall: ${r}`),
  ];
  return {
    base: runRef(base),
    new: runRef(next),
    latency_tolerance: tolerance,
    alpha,
    holm,
    configs,
    only_in_base: onlyBase,
    only_in_new: onlyNew,
    overall,
    repeats: base.repeats || next.repeats,
    regressed: reasons.length > 0,
    reasons,
    warnings,
  };
}

function runRef(run: LoadedRun): RunRef {
  return { dir: run.dir, suite: run.summary.suite, started_at: run.summary.started_at };
}

export function change(base: number | null | undefined, next: number | null | undefined): Change {
  const b = typeof base === 'number' && Number.isFinite(base) ? base : null;
  const n = typeof next === 'number' && Number.isFinite(next) ? next : null;
  return {
    base: b,
    new: n,
    diff: b !== null && n !== null ? n - b : null,
    ratio: b !== null && n !== null && b !== 0 ? n / b : null,
  };
}

function errorRate(g: GroupSummary): number | null {
  const sent = g.counts.ok + g.counts.error;
  return sent > 0 ? g.counts.error / sent : null;
}

function groupChanges(b: GroupSummary, n: GroupSummary) {
  return {
    requests: { base: { ...b.counts }, new: { ...n.counts } },
    error_rate: change(errorRate(b), errorRate(n)),
    ttft_p50_ms: change(b.metrics.ttft_ms.p50, n.metrics.ttft_ms.p50),
    ttft_p95_ms: change(b.metrics.ttft_ms.p95, n.metrics.ttft_ms.p95),
    latency_p50_ms: change(b.metrics.latency_ms.p50, n.metrics.latency_ms.p50),
    latency_p95_ms: change(b.metrics.latency_ms.p95, n.metrics.latency_ms.p95),
    total_tokens: change(b.tokens.total, n.tokens.total),
    completion_tokens: change(b.tokens.completion, n.tokens.completion),
    cost_usd: change(b.cost_usd, n.cost_usd),
  };
}

/** pass/fail of an outcome: the one definition (grade/statistics/pass-rate.ts); undefined = not graded. */
function graded(o: RowOutcome, gradedCases: GradedCases): boolean | undefined {
  return passOutcome({ case_id: o.case_id, status: o.status, passed: o.passed, score: null, error_type: o.error_type }, gradedCases);
}

function side(outcomes: Map<string, RowOutcome>, gradedCases: GradedCases): PassRateSide {
  const r = passRate([...outcomes.values()].flatMap((o) => {
    const p = graded(o, gradedCases);
    return p === undefined ? [] : [{ case_id: o.case_id, passed: p, status: o.status }];
  }));
  return { passes: r?.passes ?? 0, graded: r?.graded ?? 0, rate: r ? r.estimate : null };
}

/** Interval of the p50/p95 latency and TTFT ratios from the measured requests of both runs. */
function addRatioIntervals(ch: ReturnType<typeof groupChanges>, bo: Map<string, RowOutcome>, no: Map<string, RowOutcome>, seed: number): void {
  const samples = (m: Map<string, RowOutcome>, f: 'latency_ms' | 'ttft_ms') =>
    [...m.values()].flatMap((o) => (typeof o[f] === 'number' && Number.isFinite(o[f]) ? [o[f] as number] : []));
  const specs = [
    [ch.latency_p50_ms, 'latency_ms', 50], [ch.latency_p95_ms, 'latency_ms', 95],
    [ch.ttft_p50_ms, 'ttft_ms', 50], [ch.ttft_p95_ms, 'ttft_ms', 95],
  ] as const;
  for (const [change, field, pct] of specs) {
    const q = quantileRatio(samples(bo, field), samples(no, field), pct, { seed });
    change.ratio_ci95 = q ? { low: q.low, high: q.high } : null;
  }
}

function pairOutcomes(bo: Map<string, RowOutcome>, no: Map<string, RowOutcome>, bGraded: GradedCases, nGraded: GradedCases) {
  const base = new Map<string, PairOutcome>();
  const next = new Map<string, PairOutcome>();
  const regressions: CaseRegression[] = [];
  let fixed = 0;
  // Sorted pairs: the bootstrap then does not depend on the order rows were written in.
  const keys = [...no.keys()].filter((k) => bo.has(k)).sort();
  for (const k of keys) {
    const b = graded(bo.get(k)!, bGraded);
    const o = no.get(k)!;
    const n = graded(o, nGraded);
    if (b === undefined || n === undefined) continue;
    base.set(k, { case_id: o.case_id, passed: b, score: undefined });
    next.set(k, { case_id: o.case_id, passed: n, score: undefined });
    if (b && !n) regressions.push({ case_id: o.case_id, repeat: o.repeat, status: o.status, error_type: o.error_type, reasons: o.reasons });
    if (!b && n) fixed++;
  }
  regressions.sort((x, y) => (x.case_id < y.case_id ? -1 : x.case_id > y.case_id ? 1 : x.repeat - y.repeat));
  return { base, new: next, regressions, fixed };
}

/** The paired test of the quality report (pairwise.ts), new as A and base as B. */
function pairedTest(
  base: Map<string, PairOutcome>, next: Map<string, PairOutcome>, boot: { iterations: number; seed: number; confidence: number },
): PairedPassTest | null {
  const p = comparePairs(next, base, boot).pass;
  if (!p) return null;
  return {
    n: p.n, cases: p.cases, both_pass: p.both_pass, base_only: p.b_only, new_only: p.a_only, both_fail: p.both_fail,
    diff: p.diff, low: p.low, high: p.high, p_value: p.p_value, test: p.test,
  };
}

/**
 * InputError NOTHING_TO_COMPARE when the runs share no configuration: a comparison that compared
 * nothing must not read as "no regression".
 */
export function assertComparable(c: Comparison): void {
  if (c.configs.length > 0) return;
  const list = (l: string[]) => (l.length > 0 ? l.join(', ') : 'nothing');
  throw new InputError(
    'NOTHING_TO_COMPARE',
    `nothing to compare: no model x reasoning effort is in both runs (baseline ${c.base.dir}: ${list(c.only_in_base)}; `
      + `new ${c.new.dir}: ${list(c.only_in_new)}). Compare runs of the same models and efforts, e.g. rerun the `
      + `baseline with --models and --reasoning-effort as the new run.`,
  );
}

/** Sets significant_drop, regressed and reasons. Latency is judged per configuration only. */
function judge(
  c: Pick<ConfigComparison, 'pass_rate' | 'latency_p95_ms' | 'ttft_p95_ms' | 'regressed' | 'reasons'>,
  tolerance: number,
  alpha: number,
  withLatency: boolean,
): void {
  const p = c.pass_rate.paired;
  if (p && p.diff < 0 && p.p_value < alpha) {
    c.pass_rate.significant_drop = true;
    c.reasons.push(
      `pass rate fell ${fmtPct(c.pass_rate.base.rate)} -> ${fmtPct(c.pass_rate.new.rate)} `
        + `(${p.base_only} cases passed before and fail now, ${p.new_only} the reverse, of ${p.n}; McNemar ${formatP(p.p_value)})`,
    );
  }
  if (!withLatency) {
    c.regressed = c.reasons.length > 0;
    return;
  }
  for (const [what, ch] of [['p95 latency', c.latency_p95_ms], ['p95 TTFT', c.ttft_p95_ms]] as const) {
    if (isSlower(ch, tolerance)) {
      const ci = ch.ratio_ci95 ? `, 95% CI ${ch.ratio_ci95.low.toFixed(2)}-${ch.ratio_ci95.high.toFixed(2)}x` : '';
      c.reasons.push(`${what} ${ch.ratio!.toFixed(2)}x the baseline's (${fmtMs(ch.base)} -> ${fmtMs(ch.new)} ms${ci}), above the ${tolerance}x tolerance`);
    }
  }
  c.regressed = c.reasons.length > 0;
}

/**
 * A latency regression: the ratio is above the tolerance and its bootstrap interval lies wholly
 * above 1 (a slowdown that noise alone could not make). Without an interval, the ratio alone.
 */
export function isSlower(ch: Change, tolerance: number): boolean {
  if (ch.ratio === null || !(ch.ratio > tolerance)) return false;
  return ch.ratio_ci95 ? ch.ratio_ci95.low > 1 : true;
}
