import sketches from '@datadog/sketches-js';
import { EMPTY_DISTRIBUTION, summarizeDistribution, type DistributionSummary } from '../measure/statistics.ts';
import { RunningMoments } from '../measure/running-moments.ts';

const { DDSketch } = sketches;
type Sketch = InstanceType<typeof DDSketch>;

/** Relative error of percentiles merged from shard sketches (DDSketch's guarantee). */
export const MERGE_SKETCH_RELATIVE_ERROR = 0.01;
/** Values kept exactly per distribution in sketches.json; past this only the DDSketch is kept. */
export const MERGE_EXACT_CAP = 2_000;

/** One distribution as sketches.json stores it. */
export interface StoredDistribution {
  count: number;
  /** Mean and sum of squared deviations (combined exactly across shards: Chan et al.). */
  mean: number;
  m2: number;
  min: number | null;
  max: number | null;
  /** The values themselves while there are at most MERGE_EXACT_CAP of them. */
  exact?: number[];
  /** DDSketch (relative accuracy MERGE_SKETCH_RELATIVE_ERROR) as protobuf, base64. */
  ddsketch: string;
}

/**
 * A distribution that merges across run folders: exact values while few, and a DDSketch
 * (@datadog/sketches-js) always, so percentiles of merged shards are exact when the total is
 * small and within MERGE_SKETCH_RELATIVE_ERROR otherwise; count, mean, std, min, max stay exact.
 */
export class MergeableDistribution {
  private sketch: Sketch = new DDSketch({ relativeAccuracy: MERGE_SKETCH_RELATIVE_ERROR });
  private exact: number[] | null = [];
  private readonly moments = new RunningMoments();

  push(v: number | null | undefined): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    this.moments.push(v);
    // DDSketch maps values <= 0 to its zero bucket; latencies are never negative.
    this.sketch.accept(Math.max(0, v));
    if (this.exact) {
      this.exact.push(v);
      if (this.exact.length > MERGE_EXACT_CAP) this.exact = null;
    }
  }

  merge(o: MergeableDistribution): void {
    if (o.moments.n === 0) return;
    this.moments.merge(o.moments);
    this.sketch.merge(o.sketch);
    this.exact = this.exact && o.exact && this.exact.length + o.exact.length <= MERGE_EXACT_CAP ? [...this.exact, ...o.exact] : null;
  }

  /** Exact percentiles (linear interpolation, as the summary) when the values are kept, else the sketch's. */
  summarize(): DistributionSummary {
    const m = this.moments;
    if (m.n === 0) return { ...EMPTY_DISTRIBUTION };
    if (this.exact) return summarizeDistribution(this.exact);
    const q = (p: number) => Math.min(m.hi, Math.max(m.lo, this.sketch.getValueAtQuantile(p)));
    return {
      count: m.n, mean: m.mean, std: m.std,
      min: m.lo, p50: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99), max: m.hi,
    };
  }

  toJSON(): StoredDistribution {
    const m = this.moments;
    return {
      count: m.n, mean: m.mean, m2: m.m2,
      min: m.n > 0 ? m.lo : null, max: m.n > 0 ? m.hi : null,
      ...(this.exact ? { exact: this.exact } : {}),
      ddsketch: Buffer.from(this.sketch.toProto()).toString('base64'),
    };
  }

  static fromJSON(s: StoredDistribution): MergeableDistribution {
    const d = new MergeableDistribution();
    Object.assign(d.moments, { n: s.count, mean: s.mean, m2: s.m2, lo: s.min ?? Infinity, hi: s.max ?? -Infinity });
    d.exact = s.exact ?? null;
    // fromProto keeps the bins but not count/min/max: merge it into a fresh sketch of the same accuracy.
    if (s.count > 0) d.sketch.merge(DDSketch.fromProto(Buffer.from(s.ddsketch, 'base64')));
    return d;
  }
}
