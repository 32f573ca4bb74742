import type { SweepResult } from '../sweep.ts';

/**
 * One load level of a sweep (a concurrency or request-rate step), as the HTML report plots it:
 * throughput against latency. `level` is the label, e.g. "concurrency=8" or "rate=20".
 */
export interface SweepLevel {
  level: string;
  request_throughput: number;
  p50_latency_ms: number;
  p99_latency_ms: number;
  aggregate_output_tokens_per_s: number;
  /** The level the sweep found saturated (marked in the chart and table). */
  saturated?: boolean;
}

/** Levels of a sweep.json (src/run/sweep.ts) that have both throughput and latency; in sweep order. */
export function sweepLevelsFromResult(result: Pick<SweepResult, 'param' | 'rows' | 'saturation'>): SweepLevel[] {
  const out: SweepLevel[] = [];
  for (const r of result.rows) {
    if (r.request_throughput === null || r.latency_p50_ms === null || r.latency_p99_ms === null) continue;
    out.push({
      level: `${r.param}=${r.level}`,
      request_throughput: r.request_throughput,
      p50_latency_ms: r.latency_p50_ms,
      p99_latency_ms: r.latency_p99_ms,
      aggregate_output_tokens_per_s: r.aggregate_output_tokens_per_s ?? 0,
      ...(result.saturation?.level === r.level ? { saturated: true } : {}),
    });
  }
  return out;
}
