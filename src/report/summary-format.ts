import type { GroupSummary, Summary } from './summary.ts';

/** Shared number formatting and the group table model of summary.md and the stdout table. */

export const NONE = '-';

/** Milliseconds: more decimals for small values, none from 100 up. */
export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NONE;
  const a = Math.abs(v);
  return v.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
}

/** A rate or ratio (req/s, tok/s, concurrency). */
export function fmtNum(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NONE;
  return v.toFixed(Math.abs(v) >= 100 ? 1 : 2);
}

/** An integer with thousands separators (locale-independent). */
export function fmtInt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NONE;
  const s = String(Math.round(Math.abs(v))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return v < 0 ? `-${s}` : s;
}

export function fmtCost(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NONE;
  if (v === 0) return '$0';
  const a = Math.abs(v);
  if (a >= 1) return `$${v.toFixed(2)}`;
  if (a >= 0.01) return `$${v.toFixed(4)}`;
  if (a >= 0.000001) return `$${v.toFixed(6)}`;
  return '<$0.000001';
}

export function fmtPct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return NONE;
  return `${(v * 100).toFixed(1)}%`;
}

export function fmtEffort(effort: string): string {
  return effort === '' ? 'default' : effort;
}

/** Seconds from ms, for run facts. */
export function fmtSeconds(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  return `${(ms / 1000).toFixed(ms >= 100_000 ? 0 : 2)} s`;
}

/** Total tokens of a group; `~` marks totals that include tokenizer estimates. */
export function fmtTokens(g: GroupSummary): string {
  const t = g.tokens;
  const total = t.total ?? (t.prompt !== null || t.completion !== null ? (t.prompt ?? 0) + (t.completion ?? 0) : null);
  if (total === null) return NONE;
  return (t.estimated_rows > 0 ? '~' : '') + fmtInt(total);
}

/** `60.0% (12/20)`, with `, 10 cases` when cases repeat and the interval when asked. */
export function fmtPassRate(g: GroupSummary, withInterval: boolean): string {
  const gr = g.grading;
  if (gr.graded === 0) return NONE;
  const cases = gr.cases !== null && gr.cases > 0 && gr.cases < gr.graded ? `, ${gr.cases} cases` : '';
  const base = `${fmtPct(gr.pass_rate)} (${gr.passed}/${gr.graded}${cases}`;
  if (!withInterval || !gr.pass_rate_ci95) return `${base})`;
  const { low, high } = gr.pass_rate_ci95;
  return `${base}, CI ${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}%)`;
}

export function errorsLine(counts: Record<string, number>): string {
  return Object.entries(counts).map(([k, n]) => `${k} ×${n}`).join(', ');
}

export interface GroupTable {
  headers: string[];
  /** Right-align these columns (numbers). */
  numeric: boolean[];
  rows: string[][];
  /** Index of the run-level row in `rows`, or -1 when there is a single group. */
  overallRow: number;
}

/** The per-group comparison table, shared by summary.md and the stdout table. */
export function groupTable(summary: Summary, options: { passInterval?: boolean } = {}): GroupTable {
  const graded = summary.overall.grading.graded > 0;
  const cols: [string, boolean, (g: GroupSummary) => string][] = [
    ['Model', false, (g) => (g.model_ref === '*' ? 'all' : g.model_ref)],
    ['Effort', false, (g) => (g.reasoning_effort === '*' ? '' : fmtEffort(g.reasoning_effort))],
    ['OK/Total', true, (g) => `${g.counts.ok}/${g.counts.total}`],
    ['Errors', true, (g) => String(g.counts.error)],
    ['TTFT p50 ms', true, (g) => fmtMs(g.metrics.ttft_ms.p50)],
    ['TTFT p95 ms', true, (g) => fmtMs(g.metrics.ttft_ms.p95)],
    ['Latency p50 ms', true, (g) => fmtMs(g.metrics.latency_ms.p50)],
    ['Latency p95 ms', true, (g) => fmtMs(g.metrics.latency_ms.p95)],
    ['TPOT p50 ms', true, (g) => fmtMs(g.metrics.tpot_ms.p50)],
    ['Decode tok/s p50', true, (g) => fmtNum(g.metrics.output_tps.p50)],
    ['Aggregate out tok/s', true, (g) => fmtNum(g.throughput.aggregate_output_tokens_per_s)],
    ['Tokens', true, fmtTokens],
    ['Cost', true, (g) => fmtCost(g.cost_usd)],
  ];
  if (graded) cols.push(['Pass rate', true, (g) => fmtPassRate(g, options.passInterval ?? false)]);
  const groups = summary.groups.length > 1 ? [...summary.groups, summary.overall] : summary.groups;
  return {
    headers: cols.map((c) => c[0]),
    numeric: cols.map((c) => c[1]),
    rows: groups.map((g) => cols.map((c) => c[2](g))),
    overallRow: summary.groups.length > 1 ? groups.length - 1 : -1,
  };
}

export function groupLabel(g: GroupSummary): string {
  return `${g.model_ref} (${fmtEffort(g.reasoning_effort)})`;
}

/** Pooled ITL percentiles, then the coalesced gaps left out of them (one socket read, one stamp). */
function itlFact(summary: Summary): string {
  const o = summary.overall;
  const itl = o.metrics.itl_ms;
  // Summaries written before coalesced gaps were counted apart have no such field.
  const co = o.itl_coalesced as GroupSummary['itl_coalesced'] | undefined;
  const coalesced = co && co.gaps > 0
    ? `${fmtInt(co.gaps)} coalesced gaps (${fmtPct(co.share)}, one socket read) left out`
    : '';
  if (itl.count === 0) return coalesced === '' ? NONE : `${NONE}; ${coalesced}`;
  return `p50 ${fmtMs(itl.p50)} ms, p95 ${fmtMs(itl.p95)} ms, p99 ${fmtMs(itl.p99)} ms (${fmtInt(itl.count)} gaps, percentiles ±${(summary.itl_relative_error * 100).toFixed(1)}%)`
    + (coalesced === '' ? '' : `; ${coalesced}`);
}

/** The run's headline facts as label/value pairs, shared by summary.md and the stdout table. */
/** A merge's shard set, whole-run budget and clock spread, as run facts. */
function shardFacts(s: NonNullable<Summary['shards']>): [string, string][] {
  const list = (xs: number[]) => xs.map((i) => `${i}/${s.of}`).join(', ');
  const facts: [string, string][] = [[
    'Shards',
    `${s.merged} of ${s.of} shards` + (s.missing.length > 0 ? ` (missing ${list(s.missing)})` : '')
      + (s.duplicated.length > 0 ? `, ${list(s.duplicated)} given twice (rows counted once)` : ''),
  ]];
  if (s.budget) facts.push(['Budget', `spent ${fmtCost(s.budget.spent_usd)} of the whole run's --max-cost ${fmtCost(s.budget.max_cost_usd)}`]);
  if (s.clock) {
    facts.push(['Clocks', `window over all shards; their offsets against the provider's Date header differ by ${fmtMs(s.clock.offset_spread_ms)} ms, `
      + (s.clock.uncertainty_ms === null ? 'uncertainty unknown (some shards not measured)' : `so the window's ends are good to ±${fmtMs(s.clock.uncertainty_ms)} ms`)]);
  }
  return facts;
}

export function runFacts(summary: Summary): [string, string][] {
  const o = summary.overall;
  const c = o.counts;
  const t = o.tokens;
  const tp = o.throughput;
  const requests = `${c.ok} ok / ${c.total} total, ${c.error} errors, ${c.skipped} skipped`
    + (c.cached > 0 ? `, ${c.cached} from cache` : '');
  const facts: [string, string][] = [
    ['Suite', summary.suite],
    ['Started', summary.started_at],
    ['Finished', `${summary.finished_at} (${fmtSeconds(summary.duration_ms)})`],
    ['Requests', requests],
    ['Attempts', `${o.attempts} (${o.retries} retries, ${fmtSeconds(o.retry_wait_ms)} waiting)`],
    ['Window', fmtSeconds(tp.window_ms) + (tp.window_estimated ? ' (from started_at + latency)' : '')],
    ['Throughput', `${fmtNum(tp.request_throughput)} req/s, ${fmtNum(tp.aggregate_output_tokens_per_s)} aggregate output tok/s, mean concurrency ${fmtNum(tp.mean_concurrency)}`],
    ['ITL (pooled)', itlFact(summary)],
    ['Tokens', `prompt ${fmtInt(t.prompt)}, completion ${fmtInt(t.completion)}, reasoning ${fmtInt(t.reasoning)}, cached ${fmtInt(t.cached)}`
      + (t.estimated_rows > 0 ? ` (${t.estimated_rows} of ${t.rows_with_usage} rows estimated by tokenizer)` : '')],
    ['Cost', fmtCost(o.cost_usd)],
  ];
  if (o.grading.graded > 0) facts.push(['Pass rate', fmtPassRate(o, true)]);
  if (c.incomplete > 0) facts.push(['Incomplete', `${c.incomplete} requests in flight when the duration ended`]);
  if (summary.warmup_rows > 0) facts.push(['Warm-up', `${summary.warmup_rows} rows left out of every statistic`]);
  const load = summary.load;
  if (load) {
    facts.push(['Load', load.mode === 'open'
      ? `open loop, ${fmtNum(load.rate_per_s)} req/s ${load.arrival ?? ''}` + (load.concurrency ? `, concurrency ceiling ${load.concurrency}` : '')
      : `closed loop, concurrency ${load.concurrency ?? NONE}`
      + (load.duration_ms ? `, duration ${fmtSeconds(load.duration_ms)}` : '')]);
  }
  const g = summary.goodput;
  if (g) facts.push(['Goodput', `${fmtPct(g.share)} of ${fmtInt(g.total)} requests met every SLO (${fmtNum(g.rate_per_s)} req/s)`]);
  if (summary.shards) facts.push(...shardFacts(summary.shards));
  const sc = summary.self_check;
  if (sc) {
    facts.push(['Self-check', `event-loop delay p99 ${fmtMs(sc.event_loop_delay_ms.p99)} ms`
      + (sc.schedule_lag_ms ? `, schedule lag p99 ${fmtMs(sc.schedule_lag_ms.p99)} ms` : '')
      + (sc.offered_rate_per_s !== null && sc.offered_rate_per_s !== undefined ? `, offered ${fmtNum(sc.offered_rate_per_s)} req/s` : '')]);
  }
  return facts;
}
