/**
 * One load level of a sweep (a concurrency or request-rate step), as the HTML report plots it:
 * throughput against latency. `level` is the label, e.g. "concurrency 8" or "rate 20/s".
 */
export interface SweepLevel {
  level: string;
  request_throughput: number;
  p50_latency_ms: number;
  p99_latency_ms: number;
  output_tokens_per_s: number;
}
