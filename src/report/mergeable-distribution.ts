import sketches from '@datadog/sketches-js';
import { EMPTY_DISTRIBUTION, summarizeDistribution, type DistributionSummary } from '../measure/statistics.ts';

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
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private lo = Infinity;
  private hi = -Infinity;

  push(v: number | null | undefined): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    this.n++;
    const d = v - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (v - this.mean);
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    // DDSketch maps values <= 0 to its zero bucket; latencies are never negative.
    this.sketch.accept(Math.max(0, v));
    if (this.exact) {
      this.exact.push(v);
      if (this.exact.length > MERGE_EXACT_CAP) this.exact = null;
    }
  }

  merge(o: MergeableDistribution): void {
    if (o.n === 0) return;
    const n = this.n + o.n;
    const d = o.mean - this.mean;
    this.mean += (d * o.n) / n;
    this.m2 += o.m2 + (d * d * this.n * o.n) / n;
    this.n = n;
    this.lo = Math.min(this.lo, o.lo);
    this.hi = Math.max(this.hi, o.hi);
    this.sketch.merge(o.sketch);
    this.exact = this.exact && o.exact && this.exact.length + o.exact.length <= MERGE_EXACT_CAP ? [...this.exact, ...o.exact] : null;
  }

  /** Exact percentiles (linear interpolation, as the summary) when the values are kept, else the sketch's. */
  summarize(): DistributionSummary {
    if (this.n === 0) return { ...EMPTY_DISTRIBUTION };
    if (this.exact) return summarizeDistribution(this.exact);
    const q = (p: number) => Math.min(this.hi, Math.max(this.lo, this.sketch.getValueAtQuantile(p)));
    return {
      count: this.n, mean: this.mean, std: this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0,
      min: this.lo, p50: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99), max: this.hi,
    };
  }

  toJSON(): StoredDistribution {
    return {
      count: this.n, mean: this.mean, m2: this.m2,
      min: this.n > 0 ? this.lo : null, max: this.n > 0 ? this.hi : null,
      ...(this.exact ? { exact: this.exact } : {}),
      ddsketch: Buffer.from(this.sketch.toProto()).toString('base64'),
    };
  }

  static fromJSON(s: StoredDistribution): MergeableDistribution {
    const d = new MergeableDistribution();
    d.n = s.count;
    d.mean = s.mean;
    d.m2 = s.m2;
    d.lo = s.min ?? Infinity;
    d.hi = s.max ?? -Infinity;
    d.exact = s.exact ?? null;
    // fromProto keeps the bins but not count/min/max: merge it into a fresh sketch of the same accuracy.
    if (s.count > 0) d.sketch.merge(DDSketch.fromProto(Buffer.from(s.ddsketch, 'base64')));
    return d;
  }
}
