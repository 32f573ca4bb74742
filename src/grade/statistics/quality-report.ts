import type { ResultRow } from '../../results/result-row.ts';
import { configKey, configLabel } from '../../results/config-identity.ts';
import { compareEfforts } from '../../suite/effort.ts';
import { percentileSorted } from '../../measure/percentile.ts';
import { comparePairs, type PairOutcome, type PassComparison, type ScoreComparison } from './pairwise.ts';
import { repeatStats, type RepeatStats } from './pass-at-k.ts';
import {
  gradedCasesOf, meanScore, passOutcome, passRate, scoreOutcome, type GradedCases, type MeanScore, type PassRate,
} from './pass-rate.ts';
import { holmAdjust } from './holm.ts';
import { DEFAULT_SEED } from './seeded-random.ts';

/** The fields of a result row (src/run/result-row.ts) that quality statistics read. */
export type QualityRow = Pick<
  ResultRow,
  | 'case_id' | 'provider' | 'model' | 'reasoning_effort' | 'repeat' | 'status' | 'passed' | 'score'
  | 'latency_ms' | 'ttft_ms' | 'ttfa_ms' | 'completion_tokens' | 'reasoning_tokens' | 'cost_usd'
> & { error_type?: ResultRow['error_type'] };

export interface QualityReportOptions {
  /** Significance level of the pairwise verdicts; default 0.05. Intervals are always 95%. */
  alpha?: number;
  /** Bootstrap resamples; default 2000. */
  iterations?: number;
  /** Bootstrap seed; default DEFAULT_SEED (the same rows always give the same report). */
  seed?: number;
  /** Adjust the pairwise p-values for multiple comparisons (Holm); default true. */
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
  /** Outcomes in the pass rate: every attempted (case, repeat) of a graded case (pass-rate.ts). */
  graded: number;
  /** Graded cases: the independent units behind `graded`. */
  cases: number;
  passes: number;
  /** Rows with status 'error' (all of them, graded case or not). */
  errors: number;
  /** Errors on graded cases: counted as failures in `graded`. */
  errors_as_failures: number;
  skipped: number;
  /** Skipped jobs of graded cases (e.g. budget): counted as failures in `graded`. */
  skipped_as_failures: number;
  /** Answers without a pass/fail (no assertions on that case). */
  ungraded: number;
  /** Pass rate with a 95% interval (clustered by case when cases repeat); null when nothing was graded. */
  pass_rate: PassRate | null;
  /** Mean score with a case-level bootstrap 95% interval; null without scores. */
  score: MeanScore | null;
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

export type ComparisonBasis = 'pass' | 'score' | 'none';

export interface PairwiseComparison {
  a: string;
  b: string;
  a_label: string;
  b_label: string;
  pass: PassComparison | null;
  /** Case-level paired bootstrap of score A minus score B on pairs scored in both. */
  score: ScoreComparison | null;
  /** What the verdict rests on: pass/fail when any pair is graded in both, else scores. */
  basis: ComparisonBasis;
  /** p-value behind the verdict: Holm-adjusted when opts.holm. */
  p_value: number | null;
  /** The same p-value before any adjustment. */
  p_value_raw: number | null;
  /** Not significant: cases needed to detect the observed difference at 80% power; else null. */
  cases_for_80_power: number | null;
  better: 'a' | 'b' | null;
  verdict: string;
}

export interface BestConfigRow {
  rank: number;
  key: string;
  label: string;
  pass_rate: PassRate | null;
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
  pass_rate: PassRate | null;
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
  /** Every configuration pooled (the run's headline), clustered by case. */
  overall: { pass_rate: PassRate | null; score: MeanScore | null };
  comparisons: PairwiseComparison[];
  /** Configurations by pass rate (high first), then median latency (low first). */
  best: BestConfigRow[];
  /** One per model run at an explicit reasoning effort. */
  efforts: EffortTable[];
  warnings: string[];
}

/** Per-row outcome after the error rule: undefined = not part of that statistic. */
interface Outcome extends PairOutcome {
  row: QualityRow;
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
 * Which rows count: pass-rate.ts holds the one definition (every attempted (case, repeat) of a
 * graded case; errors and skips there are failures). ok rows with `passed: null` are "ungraded".
 * Duplicate rows for the same configuration, case and repeat (e.g. a resumed run): the last wins.
 */
export function buildQualityReport(rows: readonly QualityRow[], opts: QualityReportOptions = {}): QualityReport {
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const iterations = opts.iterations ?? 2000;
  const seed = opts.seed ?? DEFAULT_SEED;
  const holm = opts.holm ?? true;
  const boot = { iterations, seed, confidence: 0.95 };

  const groups = groupRows(rows);
  const k = opts.k ?? maxRepeats(groups);
  const configs = groups.map((g) => configQuality(g, k, boot));
  const pooled = groups.flatMap((g) => [...g.byPair.values()]);
  const labels = new Map(configs.map((c) => [c.key, c.label]));

  const comparisons: PairwiseComparison[] = [];
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) comparisons.push(compare(groups[i], groups[j], labels, boot));
  }
  const raw = comparisons.map((c) => c.p_value ?? NaN);
  // One comparison: Holm changes nothing, so the verdict does not claim an adjustment.
  const adjusted = holm && raw.filter((p) => !Number.isNaN(p)).length > 1;
  const used = adjusted ? holmAdjust(raw) : raw;
  comparisons.forEach((c, i) => decide(c, Number.isNaN(used[i]) ? null : used[i], alpha, adjusted));
  const overall = { pass_rate: passRateOfOutcomes(pooled), score: meanScoreOfOutcomes(pooled, boot) };

  const efforts = effortTables(configs, opts.effortTolerance ?? 0.1);
  const warnings = efforts.flatMap((e) => (e.warning ? [e.warning] : []));
  return {
    alpha,
    confidence: 0.95,
    holm,
    iterations,
    seed,
    configs,
    overall,
    comparisons,
    best: bestTable(configs),
    efforts,
    warnings,
  };
}


export { configKey, configLabel };

function groupRows(rows: readonly QualityRow[]): ConfigGroup[] {
  const graded = gradedCasesOf(rows);
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
    g.byPair.set(pairKey, outcomeOf(row, graded));
  }
  return [...groups.values()];
}

function outcomeOf(row: QualityRow, graded: GradedCases): Outcome {
  return { row, case_id: row.case_id, passed: passOutcome(row, graded), score: scoreOutcome(row, graded) };
}

function passRateOfOutcomes(outcomes: readonly Outcome[]): PassRate | null {
  return passRate(outcomes.flatMap((o) => (o.passed === undefined ? [] : [{ case_id: o.case_id, passed: o.passed, status: o.row.status }])));
}

function meanScoreOfOutcomes(outcomes: readonly Outcome[], boot: Boot): MeanScore | null {
  return meanScore(outcomes.flatMap((o) => (o.score === undefined ? [] : [{ case_id: o.case_id, score: o.score }])), boot);
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
  let errors = 0;
  let skipped = 0;
  let ungraded = 0;
  const perCase = new Map<string, boolean[]>();
  for (const o of outcomes) {
    if (o.row.status === 'skipped') skipped++;
    if (o.row.status === 'error') errors++;
    if (o.row.status === 'ok' && o.passed === undefined) ungraded++;
    if (o.passed === undefined) continue;
    let list = perCase.get(o.row.case_id);
    if (!list) perCase.set(o.row.case_id, (list = []));
    list.push(o.passed);
  }

  const perCaseStats: CaseRepeats[] = [...perCase].map(([case_id, list]) => ({ case_id, ...repeatStats(list, k) }));
  const usable = perCaseStats.filter((c) => c.k !== null);
  const ok = outcomes.filter((o) => o.row.status === 'ok').map((o) => o.row);
  const rate = passRateOfOutcomes(outcomes);
  return {
    key: g.key,
    label: configLabel(g.provider, g.model, g.effort),
    provider: g.provider,
    model: g.model,
    reasoning_effort: g.effort,
    rows: outcomes.length,
    graded: rate?.graded ?? 0,
    cases: rate?.cases ?? 0,
    passes: rate?.passes ?? 0,
    errors,
    errors_as_failures: rate?.errors_as_failures ?? 0,
    skipped,
    skipped_as_failures: rate?.skipped_as_failures ?? 0,
    ungraded,
    pass_rate: rate,
    score: meanScoreOfOutcomes(outcomes, boot),
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
  const { pass, score } = comparePairs(ga.byPair, gb.byPair, boot);
  const basis: ComparisonBasis = pass ? 'pass' : score ? 'score' : 'none';
  const p = basis === 'pass' ? pass!.p_value : basis === 'score' ? score!.pValue : null;
  return {
    a: ga.key,
    b: gb.key,
    a_label: labels.get(ga.key) as string,
    b_label: labels.get(gb.key) as string,
    pass,
    score,
    basis,
    p_value: p,
    p_value_raw: p,
    cases_for_80_power: null,
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
  const cases = c.basis === 'pass' ? c.pass!.cases : c.score!.cases;
  const at = cases < n ? `n=${n}, ${cases} cases` : `n=${n}`;
  const pText = `${holm ? 'Holm-adjusted ' : ''}${formatP(p)}`;
  const on = c.basis === 'score' ? ' on score' : '';
  if (p < alpha && diff !== 0) {
    c.better = diff > 0 ? 'a' : 'b';
    const [win, lose] = diff > 0 ? [c.a_label, c.b_label] : [c.b_label, c.a_label];
    c.verdict = `${win} better than ${lose}${on} (${pText})`;
  } else {
    c.cases_for_80_power = (c.basis === 'pass' ? c.pass!.cases_for_80_power : c.score!.cases_for_80_power);
    c.verdict = `no significant difference${on} at ${at} (${pText})`;
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
      .sort((x, y) => compareEfforts(x.reasoning_effort, y.reasoning_effort))
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
