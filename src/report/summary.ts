import type { GoodputResult } from '../measure/goodput.ts';
import type { SelfCheckReport } from '../measure/self-check.ts';
import type { ConcurrencyChange } from '../results/concurrency-change.ts';
import { buildQualityReport, configKey, type MeanScore, type PassRate, type QualityReport, type QualityRow } from '../grade/statistics/index.ts';
import { rename, writeFile } from 'node:fs/promises';
import type { ResultRow } from '../results/result-row.ts';
import { compareEfforts } from '../suite/effort.ts';
import { LogHistogram, type DistributionSummary } from '../measure/statistics.ts';
import { coalescedShare, isCoalescedGap } from '../measure/coalesced-gaps.ts';
import { EXACT_SAMPLE_CAP, SampleSketch, SKETCH_RELATIVE_ERROR } from '../measure/sample-sketch.ts';
import type { ShardSetSummary } from './shard-set.ts';

/**
 * A row as the summary reads it. The epoch marks are optional so rows from older results files
 * still summarise (the window then falls back to started_at + latency_ms); so is itl_coalesced
 * (older rows kept coalesced gaps as zeros among their itl_samples: they are counted as such).
 */
export type SummaryInputRow = Omit<ResultRow, 'send_epoch_ms' | 'last_token_epoch_ms' | 'itl_coalesced'> & {
  send_epoch_ms?: number | null;
  last_token_epoch_ms?: number | null;
  itl_coalesced?: number | null;
};

export interface SummaryMeta {
  suite: string;
  /** ISO-8601 */
  startedAt: string;
  /** ISO-8601 */
  finishedAt: string;
}

/**
 * Per-request distributions over successful, non-cached rows; itl_ms pools every ITL gap.
 * Percentiles are exact up to `Summary.exact_percentiles_up_to` values, then within
 * `Summary.percentile_relative_error` of exact (a log histogram; count, mean, std, min, max stay exact).
 */
export interface MetricDistributions {
  ttfb_ms: DistributionSummary;
  ttft_ms: DistributionSummary;
  ttfa_ms: DistributionSummary;
  latency_ms: DistributionSummary;
  tpot_ms: DistributionSummary;
  output_tps: DistributionSummary;
  queue_ms: DistributionSummary;
  /** Percentiles from a log histogram: within `Summary.itl_relative_error` of exact. */
  itl_ms: DistributionSummary;
}

/** Sums over every row that reports the field (failed requests may still have used tokens). null = none did. */
export interface TokenTotals {
  prompt: number | null;
  completion: number | null;
  reasoning: number | null;
  cached: number | null;
  total: number | null;
  /** Rows with a usage_source (reported or estimated). */
  rows_with_usage: number;
  /** Rows whose usage was counted by the tokenizer, not reported by the server. */
  estimated_rows: number;
}

/**
 * Pass rate and mean score of a group, copied from the quality report so that every output shows
 * the same figures (the definition is grade/statistics/pass-rate.ts): every attempted
 * (case, repeat) of a graded case counts; errors and skips there count as failures.
 */
export interface GradingSummary {
  /** Outcomes in the pass rate. */
  graded: number;
  /**
   * Graded cases: the independent units (fewer than `graded` when cases repeat). null after
   * `merge --summaries-only`: a case's repeats may sit in several shards, so only rows can tell.
   */
  cases: number | null;
  passed: number;
  /** Failed requests and skipped jobs counted as failures (part of `graded`). */
  errors_as_failures: number;
  skipped_as_failures: number;
  /** passed / graded; null when nothing was graded. */
  pass_rate: number | null;
  /** 95% interval of pass_rate: Wilson, at the effective sample size when cases repeat. */
  pass_rate_ci95: { low: number; high: number } | null;
  /** Cluster-robust standard error of pass_rate (cases with repeats); null otherwise. */
  pass_rate_stderr: number | null;
  scored: number;
  score_mean: number | null;
  /** 95% case-level bootstrap interval of score_mean. */
  score_ci95: { low: number; high: number } | null;
}

/** Over the measured window: first send to last token of the successful, non-cached rows. */
export interface ThroughputSummary {
  window_ms: number | null;
  /** Successful requests per second. */
  request_throughput: number | null;
  /**
   * The configuration's aggregate output throughput: completion tokens of all its successful
   * requests per second of the measured window. Not a request's decode speed (metrics.output_tps).
   */
  aggregate_output_tokens_per_s: number | null;
  /** Sum of latencies / window: requests in flight on average. */
  mean_concurrency: number | null;
  /** True when some rows lacked epoch marks and started_at + latency_ms stood in for them. */
  window_estimated: boolean;
}

export interface GroupSummary {
  /** `provider:model`; '*' in the overall summary. */
  model_ref: string;
  provider: string;
  model: string;
  /** '' = not sent (platform default); '*' in the overall summary. */
  reasoning_effort: string;
  /** incomplete: in flight when a --duration run ended (neither an error nor a skip). */
  counts: { total: number; ok: number; error: number; skipped: number; cached: number; incomplete: number };
  /** error_type of rows with status error ('unknown' when unset). */
  errors_by_type: Record<string, number>;
  /** error_type of rows with status skipped (e.g. budget). */
  skipped_by_type: Record<string, number>;
  attempts: number;
  /** Attempts beyond the first, summed over rows. */
  retries: number;
  retry_wait_ms: number;
  metrics: MetricDistributions;
  /**
   * ITL gaps between events of one socket read (they share its stamp): left out of
   * metrics.itl_ms; share = gaps / (gaps + itl_ms.count), null without any gap.
   */
  itl_coalesced: { gaps: number; share: number | null };
  tokens: TokenTotals;
  /** Sum of cost_usd where present; null when no row had a cost. */
  cost_usd: number | null;
  grading: GradingSummary;
  throughput: ThroughputSummary;
}

/** summary.json: plain JSON data. */
export interface Summary {
  summary_version: 1;
  suite: string;
  started_at: string;
  finished_at: string;
  duration_ms: number | null;
  /** Bound on the relative error of the pooled ITL percentiles (log histogram). */
  itl_relative_error: number;
  /**
   * Distributions of at most this many values (per group, and overall) have exact percentiles;
   * larger ones come from a log histogram, so memory does not grow with the number of jobs.
   */
  exact_percentiles_up_to: number;
  /** Bound on the relative error of the percentiles of a distribution past `exact_percentiles_up_to`. */
  percentile_relative_error: number;
  /** One per (provider:model, reasoning_effort), sorted by model_ref then effort. */
  groups: GroupSummary[];
  /** The whole run (run-level throughput). */
  overall: GroupSummary;
  /** Pass rates with intervals, pairwise verdicts, best configuration, effort tables (when graded or several efforts). */
  quality?: QualityReport;
  /** Rows of --warmup requests: in results.jsonl, left out of every statistic. */
  warmup_rows: number;
  /** How load was offered (closed loop at a concurrency, or open loop at a rate), and for how long. */
  load?: LoadSummary;
  /** --slo: share and rate of requests that met every SLO (errors count as misses). */
  goodput?: GoodputResult;
  /** The client's own health: event-loop delay, schedule lag, offered vs target rate. */
  self_check?: SelfCheckReport;
  /** --adaptive: every change of a provider's concurrency limit. */
  adaptive_concurrency?: ConcurrencyChange[];
  /** A merge of shards: which of how many, the whole-run budget against spend, the clocks' spread. */
  shards?: ShardSetSummary;
}

export interface LoadSummary {
  mode: 'closed' | 'open';
  concurrency: number | null;
  rate_per_s: number | null;
  arrival: 'poisson' | 'constant' | null;
  duration_ms: number | null;
  warmup: string | null;
}

const METRICS = ['ttfb_ms', 'ttft_ms', 'ttfa_ms', 'latency_ms', 'tpot_ms', 'output_tps', 'queue_ms'] as const;
type MetricName = (typeof METRICS)[number];
const TOKEN_FIELDS = [
  ['prompt', 'prompt_tokens'], ['completion', 'completion_tokens'], ['reasoning', 'reasoning_tokens'],
  ['cached', 'cached_tokens'], ['total', 'total_tokens'],
] as const;
type TokenKey = (typeof TOKEN_FIELDS)[number][0];


function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function addTo(sum: number | null, v: number | null): number | null {
  return v === null ? sum : (sum ?? 0) + v;
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function sortedRecord(map: Map<string, number>): Record<string, number> {
  // Most frequent first, then by name: stable output across runs and merges.
  const entries = [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Object.fromEntries(entries);
}

/** Running totals of one group (or of the whole run, for the scalar parts). */
class GroupAccumulator {
  counts = { total: 0, ok: 0, error: 0, skipped: 0, cached: 0, incomplete: 0 };
  errors = new Map<string, number>();
  skipped = new Map<string, number>();
  attempts = 0;
  retries = 0;
  retryWaitMs = 0;
  readonly samples = {} as Record<MetricName, SampleSketch>;
  readonly itl = new LogHistogram();
  itlCoalesced = 0;
  tokens: Record<TokenKey, number | null> = { prompt: null, completion: null, reasoning: null, cached: null, total: null };
  usageRows = 0;
  estimatedRows = 0;
  cost: number | null = null;
  windowStart = Infinity;
  windowEnd = -Infinity;
  windowLatencySum = 0;
  windowOk = 0;
  windowCompletion = 0;
  windowEstimated = false;

  constructor(
    readonly provider: string,
    readonly model: string,
    readonly effort: string,
  ) {
    for (const m of METRICS) this.samples[m] = new SampleSketch();
  }

  add(row: SummaryInputRow): void {
    const c = this.counts;
    c.total++;
    const attempts = num(row.attempts) ?? 0;
    this.attempts += attempts;
    this.retries += Math.max(0, attempts - 1);
    this.retryWaitMs += num(row.retry_wait_ms) ?? 0;

    if (row.status === 'ok') c.ok++;
    else if (row.error_type === 'incomplete') c.incomplete++;
    else if (row.status === 'skipped') {
      c.skipped++;
      bump(this.skipped, row.error_type ?? 'unknown');
    } else {
      c.error++;
      bump(this.errors, row.error_type ?? 'unknown');
    }

    for (const [key, field] of TOKEN_FIELDS) this.tokens[key] = addTo(this.tokens[key], num(row[field]));
    if (row.usage_source) this.usageRows++;
    if (row.usage_source === 'estimated') this.estimatedRows++;
    this.cost = addTo(this.cost, num(row.cost_usd));

    if (row.status !== 'ok') return;
    // A response replayed from the cache was not measured: keep it out of timing and throughput.
    if (row.cached) {
      c.cached++;
      return;
    }
    for (const m of METRICS) this.samples[m].push(row[m]);
    this.itlCoalesced += num(row.itl_coalesced) ?? 0;
    if (Array.isArray(row.itl_samples)) this.recordGaps(row.itl_samples);

    const latency = num(row.latency_ms);
    const { send, last, estimated } = rowWindow(row);
    if (estimated) this.windowEstimated = true;
    if (send !== null && last !== null) {
      if (send < this.windowStart) this.windowStart = send;
      if (last > this.windowEnd) this.windowEnd = last;
    }
    this.windowOk++;
    this.windowLatencySum += latency ?? 0;
    this.windowCompletion += num(row.completion_tokens) ?? 0;
  }

  /** ITL samples into the histogram; zeros (rows written before coalesced gaps were split off) are counted as coalesced. */
  private recordGaps(samples: number[]): void {
    for (const g of samples) {
      if (isCoalescedGap(g)) this.itlCoalesced++;
      else this.itl.record(g);
    }
  }

  /** Fold another group's scalars and ITL histogram into this one (metric sketches are combined apart). */
  absorb(o: GroupAccumulator): void {
    for (const k of Object.keys(this.counts) as (keyof GroupAccumulator['counts'])[]) this.counts[k] += o.counts[k];
    for (const [k, v] of o.errors) bump(this.errors, k, v);
    for (const [k, v] of o.skipped) bump(this.skipped, k, v);
    this.attempts += o.attempts;
    this.retries += o.retries;
    this.retryWaitMs += o.retryWaitMs;
    this.itl.merge(o.itl);
    this.itlCoalesced += o.itlCoalesced;
    for (const [key] of TOKEN_FIELDS) this.tokens[key] = addTo(this.tokens[key], o.tokens[key]);
    this.usageRows += o.usageRows;
    this.estimatedRows += o.estimatedRows;
    this.cost = addTo(this.cost, o.cost);
    this.windowStart = Math.min(this.windowStart, o.windowStart);
    this.windowEnd = Math.max(this.windowEnd, o.windowEnd);
    this.windowLatencySum += o.windowLatencySum;
    this.windowOk += o.windowOk;
    this.windowCompletion += o.windowCompletion;
    this.windowEstimated ||= o.windowEstimated;
  }

  toSummary(metricSummary: (m: MetricName) => DistributionSummary): GroupSummary {
    const metrics = {} as MetricDistributions;
    for (const m of METRICS) metrics[m] = metricSummary(m);
    metrics.itl_ms = this.itl.summarize();

    const span = this.windowEnd - this.windowStart;
    const window = Number.isFinite(span) && span > 0 ? span : null;
    const perSecond = (v: number) => (window === null ? null : v / (window / 1000));

    const isOverall = this.provider === '*';
    return {
      model_ref: isOverall ? '*' : `${this.provider}:${this.model}`,
      provider: this.provider,
      model: this.model,
      reasoning_effort: this.effort,
      counts: { ...this.counts },
      errors_by_type: sortedRecord(this.errors),
      skipped_by_type: sortedRecord(this.skipped),
      attempts: this.attempts,
      retries: this.retries,
      retry_wait_ms: this.retryWaitMs,
      metrics,
      itl_coalesced: { gaps: this.itlCoalesced, share: coalescedShare(this.itlCoalesced, this.itl.count) },
      tokens: { ...this.tokens, rows_with_usage: this.usageRows, estimated_rows: this.estimatedRows },
      cost_usd: this.cost,
      grading: gradingOf(null, null),
      throughput: {
        window_ms: window,
        request_throughput: perSecond(this.windowOk),
        aggregate_output_tokens_per_s: perSecond(this.windowCompletion),
        mean_concurrency: window === null ? null : this.windowLatencySum / window,
        window_estimated: this.windowOk > 0 && this.windowEstimated,
      },
    };
  }
}

/**
 * A measured row's part of the throughput window: first send to last token (epoch ms), from
 * started_at + latency_ms when the epoch marks are missing (`estimated`). Shared with sketches.json.
 */
export function rowWindow(row: SummaryInputRow): { send: number | null; last: number | null; estimated: boolean } {
  const latency = num(row.latency_ms);
  let send = num(row.send_epoch_ms);
  let last = num(row.last_token_epoch_ms);
  const estimated = send === null || last === null;
  if (send === null && row.started_at) send = num(Date.parse(row.started_at));
  if (last === null && send !== null && latency !== null) last = send + latency;
  return { send, last, estimated };
}

/** The per-request metrics of MetricDistributions other than the pooled ITL. */
export const SUMMARY_METRICS = METRICS;

function compareGroups(a: GroupAccumulator, b: GroupAccumulator): number {
  const ka = `${a.provider}:${a.model}`;
  const kb = `${b.provider}:${b.model}`;
  if (ka !== kb) return ka < kb ? -1 : 1;
  return compareEfforts(a.effort, b.effort);
}

export interface SummaryBuilderOptions {
  /**
   * false: the caller knows the run has no quality statistics (its plan grades nothing and runs
   * no model at two efforts), so no row keeps a QualityRow, even at an explicit effort.
   * Default true: decided from the rows (rebuilt reports, merges).
   */
  quality?: boolean;
}

/**
 * Builds the run summary row by row: memory holds a bounded sketch per metric per group (exact
 * values up to EXACT_SAMPLE_CAP, then a log histogram) and an ITL histogram per group, never the
 * rows themselves; graded or multi-effort runs also keep a small QualityRow per row (paired
 * statistics need them).
 */
export class SummaryBuilder {
  private readonly groups = new Map<string, GroupAccumulator>();
  private readonly keepQuality: boolean;
  /** The few fields the quality statistics need (pairing by case needs them all, ~150 bytes a row). */
  private readonly quality: QualityRow[] = [];
  /** Warm-up rows are written but left out of every statistic. */
  private warmupRows = 0;

  constructor(options: SummaryBuilderOptions = {}) {
    this.keepQuality = options.quality ?? true;
  }

  add(row: SummaryInputRow): void {
    if (row.warmup) {
      this.warmupRows++;
      return;
    }
    if (this.keepQuality && qualityRelevant(row)) this.quality.push({
      case_id: row.case_id, provider: row.provider, model: row.model, reasoning_effort: row.reasoning_effort ?? '',
      repeat: row.repeat, status: row.status, passed: row.passed, score: row.score, latency_ms: row.latency_ms,
      ttft_ms: row.ttft_ms, ttfa_ms: row.ttfa_ms, completion_tokens: row.completion_tokens,
      reasoning_tokens: row.reasoning_tokens, cost_usd: row.cost_usd, error_type: row.error_type,
    });
    const effort = row.reasoning_effort ?? '';
    const key = `${row.provider}\u0000${row.model}\u0000${effort}`;
    let g = this.groups.get(key);
    if (!g) {
      g = new GroupAccumulator(row.provider, row.model, effort);
      this.groups.set(key, g);
    }
    g.add(row);
  }

  /** QualityRows held for the quality statistics: the one part of the builder that grows with rows. */
  get retainedQualityRows(): number {
    return this.quality.length;
  }

  finish(meta: SummaryMeta): Summary {
    const accs = [...this.groups.values()].sort(compareGroups);
    const groups = accs.map((g) => g.toSummary((m) => g.samples[m].summarize()));
    const all = new GroupAccumulator('*', '*', '*');
    for (const g of accs) all.absorb(g);
    // Run-level distributions: one metric at a time, so only one combined sketch exists at once.
    const overall = all.toSummary((m) => {
      const combined = new SampleSketch();
      for (const g of accs) combined.absorb(g.samples[m]);
      return combined.summarize();
    });
    const start = Date.parse(meta.startedAt);
    const end = Date.parse(meta.finishedAt);
    const quality = this.wantsQuality() ? buildQualityReport(this.quality) : undefined;
    if (quality) {
      for (const g of groups) {
        const c = quality.configs.find((q) => q.key === configKey(g.provider, g.model, g.reasoning_effort));
        if (c) g.grading = gradingOf(c.pass_rate, c.score);
      }
      overall.grading = gradingOf(quality.overall.pass_rate, quality.overall.score);
    }
    return {
      summary_version: 1,
      suite: meta.suite,
      started_at: meta.startedAt,
      finished_at: meta.finishedAt,
      duration_ms: Number.isFinite(start) && Number.isFinite(end) ? end - start : null,
      itl_relative_error: all.itl.relativeAccuracy,
      exact_percentiles_up_to: EXACT_SAMPLE_CAP,
      percentile_relative_error: SKETCH_RELATIVE_ERROR,
      groups,
      overall,
      warmup_rows: this.warmupRows,
      ...(quality ? { quality } : {}),
    };
  }

  /** Quality statistics when something was graded or a model ran at several efforts. */
  private wantsQuality(): boolean {
    if (!this.keepQuality) return false;
    if (this.quality.some((r) => r.passed !== null)) return true;
    const efforts = new Map<string, Set<string>>();
    for (const g of this.groups.values()) {
      const k = `${g.provider}:${g.model}`;
      efforts.set(k, (efforts.get(k) ?? new Set()).add(g.effort));
    }
    return [...efforts.values()].some((e) => e.size >= 2);
  }
}

/**
 * Whether the quality statistics read this row: graded rows and rows at an explicit effort.
 * An ungraded run at the platform default effort keeps nothing per row for them, so memory
 * stays flat for pure latency runs.
 */
export function qualityRelevant(row: Pick<SummaryInputRow, 'passed' | 'reasoning_effort' | 'status'>): boolean {
  // Failed rows too: in older results an error on a graded case may lack its `passed: false`.
  return row.passed !== null || row.status !== 'ok' || (row.reasoning_effort ?? '') !== '';
}

/** Summarise rows from any source, e.g. readJsonlRows(path) when rebuilding a report or merging shards. */
export async function summarizeRows(
  rows: Iterable<SummaryInputRow> | AsyncIterable<SummaryInputRow>,
  meta: SummaryMeta,
): Promise<Summary> {
  const b = new SummaryBuilder();
  for await (const row of rows) b.add(row);
  return b.finish(meta);
}

/** Write summary.json (pretty-printed) via a temporary file and rename, so a reader never sees half of it. */
export async function writeSummaryJson(path: string, summary: Summary): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(summary, null, 2) + '\n', 'utf8');
  await rename(tmp, path);
}

/** A group's grading block from the quality report's figures (null: nothing graded / scored). */
function gradingOf(rate: PassRate | null, score: MeanScore | null): GradingSummary {
  return {
    graded: rate?.graded ?? 0,
    cases: rate?.cases ?? 0,
    passed: rate?.passes ?? 0,
    errors_as_failures: rate?.errors_as_failures ?? 0,
    skipped_as_failures: rate?.skipped_as_failures ?? 0,
    pass_rate: rate ? rate.estimate : null,
    pass_rate_ci95: rate ? { low: rate.low, high: rate.high } : null,
    pass_rate_stderr: rate?.stderr ?? null,
    scored: score?.n ?? 0,
    score_mean: score ? score.mean : null,
    score_ci95: score ? { low: score.low, high: score.high } : null,
  };
}
