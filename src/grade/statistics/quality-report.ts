import type { ResultRow } from '../../run/result-row.ts';
import { EFFORTS } from '../../suite/schema.ts';
import { percentileSorted } from '../../measure/percentile.ts';
import { wilsonInterval, type ProportionInterval } from './wilson-interval.ts';
import { bootstrapMeanInterval, pairedBootstrapDiff, type MeanInterval, type PairedDiff } from './bootstrap.ts';
import { exactMcNemar } from './mcnemar.ts';
import { repeatStats, type RepeatStats } from './pass-at-k.ts';
import { holmAdjust } from './holm.ts';
import { DEFAULT_SEED } from './seeded-random.ts';

/** The fields of a result row (src/run/result-row.ts) that quality statistics read. */
export type QualityRow = Pick<
  ResultRow,
  | 'case_id' | 'provider' | 'model' | 'reasoning_effort' | 'repeat' | 'status' | 'passed' | 'score'
  | 'latency_ms' | 'ttft_ms' | 'ttfa_ms' | 'completion_tokens' | 'reasoning_tokens' | 'cost_usd'
>;

export interface QualityReportOptions {
  /** Significance level of the pairwise verdicts; default 0.05. Intervals are always 95%. */
  alpha?: number;
  /** Bootstrap resamples; default 2000. */
  iterations?: number;
  /** Bootstrap seed; default DEFAULT_SEED (the same rows always give the same report). */
  seed?: number;
  /** Adjust the pairwise p-values for multiple comparisons (Holm); default false. */
  holm?: boolean;
  /** k of pass@k and pass^k; default the largest number of graded repeats of any case. */
  k?: number;
  /**
   * Effort levels whose mean reasoning tokens all lie within this fraction of the largest mean
   * count as "no difference" (sampling noise alone makes exact equality rare); default 0.1.
   */
  effortTolerance?: number;
}

export interface CaseRepeats extends RepeatStats {
  case_id: string;
}

export interface ConfigQuality {
  /** Stable identity: provider, model and effort. */
  key: string;
  /** For people: `provider:model`, plus ` [effort]` when an effort was sent. */
  label: string;
  provider: string;
  model: string;
  /** '' when the field was not sent. */
  reasoning_effort: string;
  /** Rows of this configuration (after removing duplicate case x repeat rows, last wins). */
  rows: number;
  /** Outcomes in the pass rate: graded answers plus errors on graded cases. */
  graded: number;
  passes: number;
  /** Rows with status 'error' (all of them, graded case or not). */
  errors: number;
  /** Errors on graded cases: counted as failures in `graded`. */
  errors_as_failures: number;
  skipped: number;
  /** Answers without a pass/fail (no assertions on that case). */
  ungraded: number;
  /** Pass rate with a 95% Wilson interval; null when nothing was graded. */
  pass_rate: ProportionInterval | null;
  /** Mean score with a 95% bootstrap interval; null without scores. */
  score: MeanInterval | null;
  /** pass@k and pass^k per case over repeats, averaged over cases with at least k outcomes. */
  repeats: {
    k: number | null;
    /** Cases in the averages. */
    cases: number;
    pass_at_k: number | null;
    pass_hat_k: number | null;
    flaky_cases: string[];
    per_case: CaseRepeats[];
  };
  /** Over successful rows only (failed requests never enter latency statistics). */
  p50_latency_ms: number | null;
  p50_ttft_ms: number | null;
  p50_ttfa_ms: number | null;
  mean_completion_tokens: number | null;
  mean_reasoning_tokens: number | null;
  /** Sum over all rows with a cost; null when none has one. */
  cost_usd: number | null;
}

export interface PassComparison {
  /** Pairs (same case and repeat) graded in both configurations. */
  n: number;
  both_pass: number;
  /** A passed, B failed (McNemar's b). */
  a_only: number;
  /** A failed, B passed (McNemar's c). */
  b_only: number;
  both_fail: number;
  /** Pass rate of A minus pass rate of B over the pairs, with a paired-bootstrap 95% interval. */
  diff: number;
  low: number;
  high: number;
  /** Exact McNemar p-value (unadjusted). */
  p_value: number;
}

export type ComparisonBasis = 'pass' | 'score' | 'none';

export interface PairwiseComparison {
  a: string;
  b: string;
  a_label: string;
  b_label: string;
  pass: PassComparison | null;
  /** Paired bootstrap of score A minus score B on pairs scored in both. */
  score: PairedDiff | null;
  /** What the verdict rests on: pass/fail when any pair is graded in both, else scores. */
  basis: ComparisonBasis;
  /** p-value behind the verdict: Holm-adjusted when opts.holm. */
  p_value: number | null;
  better: 'a' | 'b' | null;
  verdict: string;
}

export interface BestConfigRow {
  rank: number;
  key: string;
  label: string;
  pass_rate: ProportionInterval | null;
  mean_score: number | null;
  p50_latency_ms: number | null;
  p50_ttft_ms: number | null;
  mean_completion_tokens: number | null;
  cost_usd: number | null;
}

export interface EffortRow {
  reasoning_effort: string;
  key: string;
  graded: number;
  pass_rate: ProportionInterval | null;
  mean_reasoning_tokens: number | null;
  p50_latency_ms: number | null;
  p50_ttfa_ms: number | null;
}

export interface EffortTable {
  provider: string;
  model: string;
  /** `provider:model`. */
  label: string;
  rows: EffortRow[];
  warning: string | null;
}

export interface QualityReport {
  alpha: number;
  confidence: 0.95;
  holm: boolean;
  iterations: number;
  seed: number;
  /** In order of first appearance in the rows (plan order). */
  configs: ConfigQuality[];
  comparisons: PairwiseComparison[];
  /** Configurations by pass rate (high first), then median latency (low first). */
  best: BestConfigRow[];
  /** One per model run at an explicit reasoning effort. */
  efforts: EffortTable[];
  warnings: string[];
}

/** Per-row outcome after the error rule: undefined = not part of that statistic. */
interface Outcome {
  row: QualityRow;
  passed: boolean | undefined;
  score: number | undefined;
}

interface ConfigGroup {
  key: string;
  provider: string;
  model: string;
  effort: string;
  /** `case_id \0 repeat` -> outcome. */
  byPair: Map<string, Outcome>;
}

/**
 * Quality statistics of a run, per configuration (provider:model x reasoning effort) and between
 * every two configurations.
 *
 * Which rows count:
 * - skipped rows are left out (they were never run);
 * - an ok row counts with its `passed` / `score`; ok rows with `passed: null` are "ungraded";
 * - an error row counts as a failure (passed false, score 0) on a case that is graded (scored)
 *   in some other row of the run: a configuration whose requests fail is not a good one, and
 *   leaving its errors out would flatter it. Errors are also counted apart (`errors`,
 *   `errors_as_failures`). Errors on cases that nothing graded are left out.
 * - duplicate rows for the same configuration, case and repeat (e.g. a resumed run): the last wins.
 */
export function buildQualityReport(rows: readonly QualityRow[], opts: QualityReportOptions = {}): QualityReport {
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const iterations = opts.iterations ?? 2000;
  const seed = opts.seed ?? DEFAULT_SEED;
  const holm = opts.holm ?? false;
  const boot = { iterations, seed, confidence: 0.95 };

  const groups = groupRows(rows);
  const k = opts.k ?? maxRepeats(groups);
  const configs = groups.map((g) => configQuality(g, k, boot));
  const labels = new Map(configs.map((c) => [c.key, c.label]));

  const comparisons: PairwiseComparison[] = [];
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) comparisons.push(compare(groups[i], groups[j], labels, boot));
  }
  const raw = comparisons.map((c) => c.p_value ?? NaN);
  const used = holm ? holmAdjust(raw) : raw;
  comparisons.forEach((c, i) => decide(c, Number.isNaN(used[i]) ? null : used[i], alpha, holm));

  const efforts = effortTables(configs, opts.effortTolerance ?? 0.1);
  const warnings = efforts.flatMap((e) => (e.warning ? [e.warning] : []));
  return {
    alpha,
    confidence: 0.95,
    holm,
    iterations,
    seed,
    configs,
    comparisons,
    best: bestTable(configs),
    efforts,
    warnings,
  };
}

/** Stable key of a configuration. The NUL separator cannot occur in a model reference. */
export function configKey(provider: string, model: string, reasoningEffort: string): string {
  return `${provider}:${model}\u0000${reasoningEffort}`;
}

export function configLabel(provider: string, model: string, reasoningEffort: string): string {
  return reasoningEffort ? `${provider}:${model} [${reasoningEffort}]` : `${provider}:${model}`;
}

function groupRows(rows: readonly QualityRow[]): ConfigGroup[] {
  const gradedCases = new Set<string>();
  const scoredCases = new Set<string>();
  for (const r of rows) {
    if (r.status !== 'ok') continue;
    if (r.passed !== null) gradedCases.add(r.case_id);
    if (r.score !== null) scoredCases.add(r.case_id);
  }
  const groups = new Map<string, ConfigGroup>();
  for (const row of rows) {
    const effort = row.reasoning_effort ?? '';
    const key = configKey(row.provider, row.model, effort);
    let g = groups.get(key);
    if (!g) {
      g = { key, provider: row.provider, model: row.model, effort, byPair: new Map() };
      groups.set(key, g);
    }
    const pairKey = `${row.case_id}\u0000${row.repeat}`;
    g.byPair.delete(pairKey); // last wins, and moves to the end (keeps row order)
    g.byPair.set(pairKey, outcomeOf(row, gradedCases, scoredCases));
  }
  return [...groups.values()];
}

function outcomeOf(row: QualityRow, gradedCases: Set<string>, scoredCases: Set<string>): Outcome {
  if (row.status === 'ok') {
    return { row, passed: row.passed ?? undefined, score: row.score ?? undefined };
  }
  if (row.status === 'error') {
    return {
      row,
      passed: gradedCases.has(row.case_id) ? false : undefined,
      score: scoredCases.has(row.case_id) ? 0 : undefined,
    };
  }
  return { row, passed: undefined, score: undefined };
}

function maxRepeats(groups: ConfigGroup[]): number {
  let max = 1;
  for (const g of groups) {
    const perCase = new Map<string, number>();
    for (const o of g.byPair.values()) {
      if (o.passed === undefined) continue;
      const n = (perCase.get(o.row.case_id) ?? 0) + 1;
      perCase.set(o.row.case_id, n);
      if (n > max) max = n;
    }
  }
  return max;
}

type Boot = { iterations: number; seed: number; confidence: number };

function configQuality(g: ConfigGroup, k: number, boot: Boot): ConfigQuality {
  const outcomes = [...g.byPair.values()];
  let passes = 0;
  let graded = 0;
  let errors = 0;
  let errorsAsFailures = 0;
  let skipped = 0;
  let ungraded = 0;
  const scores: number[] = [];
  const perCase = new Map<string, boolean[]>();
  for (const o of outcomes) {
    if (o.row.status === 'skipped') skipped++;
    if (o.row.status === 'error') {
      errors++;
      if (o.passed !== undefined) errorsAsFailures++;
    }
    if (o.row.status === 'ok' && o.passed === undefined) ungraded++;
    if (o.score !== undefined) scores.push(o.score);
    if (o.passed === undefined) continue;
    graded++;
    if (o.passed) passes++;
    let list = perCase.get(o.row.case_id);
    if (!list) perCase.set(o.row.case_id, (list = []));
    list.push(o.passed);
  }

  const perCaseStats: CaseRepeats[] = [...perCase].map(([case_id, list]) => ({ case_id, ...repeatStats(list, k) }));
  const usable = perCaseStats.filter((c) => c.k !== null);
  const ok = outcomes.filter((o) => o.row.status === 'ok').map((o) => o.row);
  return {
    key: g.key,
    label: configLabel(g.provider, g.model, g.effort),
    provider: g.provider,
    model: g.model,
    reasoning_effort: g.effort,
    rows: outcomes.length,
    graded,
    passes,
    errors,
    errors_as_failures: errorsAsFailures,
    skipped,
    ungraded,
    pass_rate: graded > 0 ? wilsonInterval(passes, graded) : null,
    score: scores.length > 0 ? bootstrapMeanInterval(scores, boot) : null,
    repeats: {
      k: usable.length > 0 ? k : null,
      cases: usable.length,
      pass_at_k: meanOrNull(usable.map((c) => c.passAtK as number)),
      pass_hat_k: meanOrNull(usable.map((c) => c.passHatK as number)),
      flaky_cases: perCaseStats.filter((c) => c.flaky).map((c) => c.case_id),
      per_case: perCaseStats,
    },
    p50_latency_ms: median(ok.map((r) => r.latency_ms)),
    p50_ttft_ms: median(ok.map((r) => r.ttft_ms)),
    p50_ttfa_ms: median(ok.map((r) => r.ttfa_ms)),
    mean_completion_tokens: meanOrNull(ok.map((r) => r.completion_tokens)),
    mean_reasoning_tokens: meanOrNull(ok.map((r) => r.reasoning_tokens)),
    cost_usd: sumOrNull(outcomes.map((o) => o.row.cost_usd)),
  };
}

function compare(ga: ConfigGroup, gb: ConfigGroup, labels: Map<string, string>, boot: Boot): PairwiseComparison {
  const passA: number[] = [];
  const passB: number[] = [];
  const scoreA: number[] = [];
  const scoreB: number[] = [];
  let bothPass = 0;
  let aOnly = 0;
  let bOnly = 0;
  let bothFail = 0;
  for (const [pairKey, oa] of ga.byPair) {
    const ob = gb.byPair.get(pairKey);
    if (!ob) continue;
    if (oa.passed !== undefined && ob.passed !== undefined) {
      passA.push(oa.passed ? 1 : 0);
      passB.push(ob.passed ? 1 : 0);
      if (oa.passed && ob.passed) bothPass++;
      else if (oa.passed) aOnly++;
      else if (ob.passed) bOnly++;
      else bothFail++;
    }
    if (oa.score !== undefined && ob.score !== undefined) {
      scoreA.push(oa.score);
      scoreB.push(ob.score);
    }
  }
  let pass: PassComparison | null = null;
  if (passA.length > 0) {
    const d = pairedBootstrapDiff(passA, passB, boot);
    pass = {
      n: passA.length,
      both_pass: bothPass,
      a_only: aOnly,
      b_only: bOnly,
      both_fail: bothFail,
      diff: (aOnly - bOnly) / passA.length,
      low: d.low,
      high: d.high,
      p_value: exactMcNemar(aOnly, bOnly),
    };
  }
  const score = scoreA.length > 0 ? pairedBootstrapDiff(scoreA, scoreB, boot) : null;
  const basis: ComparisonBasis = pass ? 'pass' : score ? 'score' : 'none';
  return {
    a: ga.key,
    b: gb.key,
    a_label: labels.get(ga.key) as string,
    b_label: labels.get(gb.key) as string,
    pass,
    score,
    basis,
    p_value: basis === 'pass' ? pass!.p_value : basis === 'score' ? score!.pValue : null,
    better: null,
    verdict: '',
  };
}

/** Fills in p_value (possibly adjusted), better and verdict. */
function decide(c: PairwiseComparison, p: number | null, alpha: number, holm: boolean): void {
  c.p_value = p;
  if (c.basis === 'none' || p === null) {
    c.verdict = 'no shared graded cases';
    return;
  }
  const diff = c.basis === 'pass' ? c.pass!.diff : c.score!.diff;
  const n = c.basis === 'pass' ? c.pass!.n : c.score!.n;
  const pText = `${holm ? 'Holm-adjusted ' : ''}${formatP(p)}`;
  const on = c.basis === 'score' ? ' on score' : '';
  if (p < alpha && diff !== 0) {
    c.better = diff > 0 ? 'a' : 'b';
    const [win, lose] = diff > 0 ? [c.a_label, c.b_label] : [c.b_label, c.a_label];
    c.verdict = `${win} better than ${lose}${on} (${pText})`;
  } else {
    c.verdict = `no significant difference${on} at n=${n} (${pText})`;
  }
}

/** `p=0.003`, `p=0.41`, `p<0.001`: two significant digits are all a p-value deserves. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'p=n/a';
  if (p < 0.001) return 'p<0.001';
  return `p=${Number(p.toPrecision(2))}`;
}

function bestTable(configs: ConfigQuality[]): BestConfigRow[] {
  const sorted = [...configs].sort(
    (x, y) =>
      desc(x.pass_rate?.estimate ?? null, y.pass_rate?.estimate ?? null) ||
      asc(x.p50_latency_ms, y.p50_latency_ms) ||
      (x.score && y.score ? y.score.mean - x.score.mean : 0),
  );
  return sorted.map((c, i) => ({
    rank: i + 1,
    key: c.key,
    label: c.label,
    pass_rate: c.pass_rate,
    mean_score: c.score?.mean ?? null,
    p50_latency_ms: c.p50_latency_ms,
    p50_ttft_ms: c.p50_ttft_ms,
    mean_completion_tokens: c.mean_completion_tokens,
    cost_usd: c.cost_usd,
  }));
}

/** Nulls last in both orders. */
function desc(x: number | null, y: number | null): number {
  if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
  return y - x;
}
function asc(x: number | null, y: number | null): number {
  if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
  return x - y;
}

function effortTables(configs: ConfigQuality[], tolerance: number): EffortTable[] {
  const byModel = new Map<string, ConfigQuality[]>();
  for (const c of configs) {
    const key = `${c.provider}:${c.model}`;
    const list = byModel.get(key);
    if (list) list.push(c);
    else byModel.set(key, [c]);
  }
  const tables: EffortTable[] = [];
  for (const [label, list] of byModel) {
    if (!list.some((c) => c.reasoning_effort !== '')) continue;
    const rows = [...list]
      .sort((x, y) => effortRank(x.reasoning_effort) - effortRank(y.reasoning_effort) ||
        x.reasoning_effort.localeCompare(y.reasoning_effort))
      .map((c): EffortRow => ({
        reasoning_effort: c.reasoning_effort,
        key: c.key,
        graded: c.graded,
        pass_rate: c.pass_rate,
        mean_reasoning_tokens: c.mean_reasoning_tokens,
        p50_latency_ms: c.p50_latency_ms,
        p50_ttfa_ms: c.p50_ttfa_ms,
      }));
    tables.push({ provider: list[0].provider, model: list[0].model, label, rows, warning: effortWarning(label, rows, tolerance) });
  }
  return tables;
}

function effortRank(effort: string): number {
  if (effort === '') return -1;
  const i = (EFFORTS as readonly string[]).indexOf(effort);
  return i === -1 ? EFFORTS.length : i;
}

/**
 * A server that ignores reasoning_effort returns about the same number of reasoning tokens at
 * every level; one that honours it differs by far more than sampling noise (often several-fold).
 */
export function effortWarning(label: string, allRows: readonly EffortRow[], tolerance = 0.1): string | null {
  // Only efforts with a successful request say anything (p50 latency is over ok rows): zero successes is no evidence.
  const rows = allRows.filter((r) => r.p50_latency_ms !== null);
  if (rows.length < 2) return null;
  const means = rows.map((r) => r.mean_reasoning_tokens);
  const known = means.filter((m): m is number => m !== null);
  if (known.length === 0) {
    return `model ${label}: no reasoning tokens were reported at any reasoning_effort, so there is no sign it made a difference (the server probably ignored it, or does not report them)`;
  }
  if (known.length < 2) return null;
  const max = Math.max(...known);
  const min = Math.min(...known);
  if (max === 0 || max - min <= tolerance * max) {
    return `model ${label}: reasoning_effort made no difference to reasoning tokens (the server probably ignored it)`;
  }
  return null;
}

function median(values: readonly (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  return xs.length === 0 ? null : percentileSorted(xs, 50);
}

function meanOrNull(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    sum += v;
    n++;
  }
  return n === 0 ? null : sum / n;
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let any = false;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    sum += v;
    any = true;
  }
  return any ? sum : null;
}
