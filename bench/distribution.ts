import { summarizeDistribution } from '../src/measure/statistics.ts';

/** The three numbers the bench reports for a distribution of errors or overheads (ms). */
export interface OffsetSummary {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** Distribution of `measured - injected` (how far a client's reading is from the server's truth). */
export function offsetSummary(measured: ArrayLike<number>, injected: number): OffsetSummary {
  const d = new Float64Array(measured.length);
  for (let i = 0; i < measured.length; i++) d[i] = measured[i] - injected;
  const s = summarizeDistribution(d);
  return { count: s.count, p50: s.p50, p99: s.p99, max: s.max };
}

/** Our reading above the floor's, percentile by percentile (same server, same load, same run). */
export function overheadAbove(ours: OffsetSummary, floor: OffsetSummary): { p50: number | null; p99: number | null } {
  const sub = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return { p50: sub(ours.p50, floor.p50), p99: sub(ours.p99, floor.p99) };
}

export interface RssPoint {
  jobs: number;
  peakRssMb: number;
}

/**
 * Does peak memory stay flat as the job count grows? Growth is measured between the two largest
 * runs (a small run ends before the heap has settled, so it would count start-up as growth),
 * scaled to MB per 100,000 jobs. Flat = under `toleranceMb` per 100k jobs: about 320 bytes a job,
 * less than keeping one plan entry or one summary row per job in memory costs.
 */
export interface MemoryGrowth {
  mbPer100kJobs: number | null;
  flat: boolean | null;
  /** The two runs compared (job counts). */
  between: [number, number] | null;
}

export function memoryGrowth(points: readonly RssPoint[], toleranceMb = 32): MemoryGrowth {
  const sorted = [...points].sort((a, b) => a.jobs - b.jobs);
  if (sorted.length < 2) return { mbPer100kJobs: null, flat: null, between: null };
  const a = sorted[sorted.length - 2];
  const b = sorted[sorted.length - 1];
  if (b.jobs === a.jobs) return { mbPer100kJobs: null, flat: null, between: null };
  const slope = ((b.peakRssMb - a.peakRssMb) / (b.jobs - a.jobs)) * 100_000;
  return { mbPer100kJobs: slope, flat: slope < toleranceMb, between: [a.jobs, b.jobs] };
}
