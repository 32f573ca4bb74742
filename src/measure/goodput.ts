import { InputError } from '../errors/index.ts';
import type { ResultRow } from '../results/result-row.ts';

/** Metrics an SLO may bound from above (ms, per request). */
export const SLO_MAX_METRICS = ['ttft_ms', 'ttfa_ms', 'ttfb_ms', 'tpot_ms', 'latency_ms', 'itl_p50_ms', 'itl_max_ms'] as const;
/** Metrics an SLO bounds from below (tokens/s). */
export const SLO_MIN_METRICS = ['output_tps'] as const;
export type SloMetric = (typeof SLO_MAX_METRICS)[number] | (typeof SLO_MIN_METRICS)[number];
/** `--slo`: a bound per metric; a request meets the SLO when it meets every bound. */
export type Slo = Partial<Record<SloMetric, number>>;

/** Undefined for answers of fewer than two tokens: such a request cannot miss them (vLLM does the same). */
const UNDEFINED_FOR_SHORT = new Set<SloMetric>(['tpot_ms', 'itl_p50_ms', 'itl_max_ms', 'output_tps']);
const ALL_METRICS: readonly string[] = [...SLO_MAX_METRICS, ...SLO_MIN_METRICS];

/** Parses `ttft_ms=500,tpot_ms=50,latency_ms=10000` (output_tps=N is a minimum). */
export function parseSlo(text: string): Slo {
  const slo: Slo = {};
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new InputError('BAD_SLO', `--slo expects metric=value pairs like ttft_ms=500,tpot_ms=50; got "${text}"`);
  for (const item of items) {
    const m = /^([a-z0-9_]+)\s*=\s*(.+)$/.exec(item);
    if (!m) throw new InputError('BAD_SLO', `--slo: "${item}" is not metric=value (e.g. ttft_ms=500)`);
    const [, key, raw] = m;
    if (!ALL_METRICS.includes(key)) throw new InputError('BAD_SLO', `--slo: unknown metric "${key}"; use ${ALL_METRICS.join(', ')}`);
    const value = Number(raw.trim());
    if (!Number.isFinite(value) || value <= 0) throw new InputError('BAD_SLO', `--slo: ${key} needs a number above 0, got "${raw.trim()}"`);
    if (key in slo) throw new InputError('BAD_SLO', `--slo: ${key} is given twice`);
    slo[key as SloMetric] = value;
  }
  return slo;
}

/** `ttft_ms<=500, output_tps>=20` for reports. */
export function formatSlo(slo: Slo): string {
  return Object.entries(slo)
    .map(([k, v]) => `${k}${(SLO_MIN_METRICS as readonly string[]).includes(k) ? '>=' : '<='}${v}`)
    .join(', ');
}

/** The fields goodput reads (ResultRow and summary input rows both fit). */
export type GoodputRow = Pick<ResultRow, 'status' | 'error_type' | 'latency_ms' | 'started_at'> &
  Partial<Pick<ResultRow, SloMetric | 'send_epoch_ms' | 'last_token_epoch_ms' | 'cached'>> & { warmup?: boolean };

/** Which bounds a row misses (empty = it meets the SLO). A failed request misses them all. */
export function sloMisses(row: GoodputRow, slo: Slo): SloMetric[] {
  const keys = Object.keys(slo) as SloMetric[];
  if (row.status !== 'ok') return keys;
  return keys.filter((k) => {
    const v = row[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) return !UNDEFINED_FOR_SHORT.has(k);
    return (SLO_MIN_METRICS as readonly string[]).includes(k) ? v < slo[k]! : v > slo[k]!;
  });
}

export interface GoodputResult {
  slo: Slo;
  /** Requests that met every bound. */
  met: number;
  /** Requests counted: ok + failed (not skipped, warm-up, cached or cut off by the end of a duration run). */
  total: number;
  /** met / total; null when nothing was counted. */
  share: number | null;
  /** met per second of the window; null without a window. */
  rate_per_s: number | null;
  window_ms: number | null;
  /** Requests missing each bound (failed requests count against every one). */
  misses_by_slo: Partial<Record<SloMetric, number>>;
  /** Failed requests (all counted as misses). */
  errors: number;
}

/**
 * Goodput: the share and rate of requests that meet every SLO. Errors count as misses. Left out:
 * skipped rows (never sent), warm-up rows, cached replays, and `incomplete` rows (a duration
 * run's end cut them off; counting them would punish every run for stopping).
 */
export class GoodputCounter {
  private met = 0;
  private total = 0;
  private errors = 0;
  private readonly misses = new Map<SloMetric, number>();
  private windowStart = Infinity;
  private windowEnd = -Infinity;

  constructor(readonly slo: Slo) {}

  add(row: GoodputRow): void {
    if (row.warmup || row.status === 'skipped' || row.error_type === 'incomplete') return;
    if (row.status === 'ok' && row.cached) return;
    this.total += 1;
    if (row.status !== 'ok') this.errors += 1;
    const missed = sloMisses(row, this.slo);
    if (missed.length === 0) this.met += 1;
    for (const k of missed) this.misses.set(k, (this.misses.get(k) ?? 0) + 1);
    if (row.status === 'ok') this.extendWindow(row);
  }

  /**
   * `windowMs`: the run's measured window (summary `throughput.window_ms`), so goodput and
   * request throughput share one denominator; default: first send to last token of the ok rows seen.
   */
  result(windowMs?: number | null): GoodputResult {
    const own = this.windowEnd - this.windowStart;
    const window = windowMs !== undefined ? windowMs : Number.isFinite(own) && own > 0 ? own : null;
    const misses: Partial<Record<SloMetric, number>> = {};
    for (const k of Object.keys(this.slo) as SloMetric[]) misses[k] = this.misses.get(k) ?? 0;
    return {
      slo: { ...this.slo },
      met: this.met,
      total: this.total,
      share: this.total > 0 ? this.met / this.total : null,
      rate_per_s: window !== null && window > 0 ? this.met / (window / 1000) : null,
      window_ms: window,
      misses_by_slo: misses,
      errors: this.errors,
    };
  }

  private extendWindow(row: GoodputRow): void {
    let send = typeof row.send_epoch_ms === 'number' ? row.send_epoch_ms : null;
    if (send === null && row.started_at) send = Date.parse(row.started_at);
    if (send === null || !Number.isFinite(send)) return;
    const last = typeof row.last_token_epoch_ms === 'number' ? row.last_token_epoch_ms : send + (row.latency_ms ?? 0);
    if (send < this.windowStart) this.windowStart = send;
    if (last > this.windowEnd) this.windowEnd = last;
  }
}
