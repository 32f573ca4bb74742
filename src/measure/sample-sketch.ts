import { percentileSorted } from './percentile.ts';
import { EMPTY_DISTRIBUTION, LogHistogram, summarizeDistribution, type DistributionSummary } from './statistics.ts';

/** Values kept exactly per distribution; beyond this a log histogram takes over. */
export const EXACT_SAMPLE_CAP = 10_000;
/** Relative error bound of the percentiles of a distribution past EXACT_SAMPLE_CAP. */
export const SKETCH_RELATIVE_ERROR = 0.001;

export interface SampleSketchOptions {
  /** Most values kept exactly (default EXACT_SAMPLE_CAP). */
  cap?: number;
  /** Relative error of percentiles once past the cap (default SKETCH_RELATIVE_ERROR). */
  relativeAccuracy?: number;
}

/**
 * One distribution in bounded memory: the values themselves (exact percentiles) up to `cap`,
 * then a fine log histogram (percentiles within `relativeAccuracy` of exact; count, mean, std,
 * min and max stay exact). Memory is at most 8 bytes x cap, or the histogram's buckets over the
 * decades the data spans (1 ms..10 s at 0.1%: ~4,600 buckets, 37 KB, plus at most a quarter),
 * never per value.
 *
 * Values below 0.001 (e.g. a queue wait of 0) are reported within 0.001 absolute once past the cap:
 * the resolution the rows are rounded to.
 */
export class SampleSketch {
  readonly cap: number;
  readonly relativeAccuracy: number;
  private values: Float64Array | null;
  private n = 0;
  private histogram: LogHistogram | null = null;

  constructor(options: SampleSketchOptions = {}) {
    this.cap = Math.max(1, Math.floor(options.cap ?? EXACT_SAMPLE_CAP));
    this.relativeAccuracy = options.relativeAccuracy ?? SKETCH_RELATIVE_ERROR;
    this.values = new Float64Array(Math.min(64, this.cap));
  }

  /** Values pushed (non-finite ones are ignored). */
  get count(): number {
    return this.n;
  }

  /** True while every value is kept: percentiles are exact. */
  get exact(): boolean {
    return this.histogram === null;
  }

  /** Bytes held for the values or buckets (what a memory bound is checked against). */
  get storedBytes(): number {
    return this.values ? this.values.byteLength : this.histogram!.storedBuckets * 8;
  }

  push(v: number | null | undefined): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    this.n++;
    if (this.histogram) {
      this.histogram.record(v);
      return;
    }
    const n = this.n - 1;
    let buf = this.values!;
    if (n === buf.length) {
      if (n >= this.cap) {
        this.toHistogram(n).record(v);
        return;
      }
      const next = new Float64Array(Math.min(buf.length * 2, this.cap));
      next.set(buf);
      this.values = buf = next;
    }
    buf[n] = v;
  }

  pushAll(values: ArrayLike<number | null | undefined>): void {
    for (let i = 0; i < values.length; i++) this.push(values[i]);
  }

  /**
   * The linear-interpolation percentile function (p in [0, 100]; null when empty) of the values
   * pushed so far. Exact values are sorted once here, so ask once and call it many times.
   */
  percentiles(): (p: number) => number | null {
    if (this.n === 0) return () => null;
    const h = this.histogram;
    if (h) return (p) => h.percentile(p);
    const sorted = Float64Array.from(this.values!.subarray(0, this.n)).sort();
    return (p) => percentileSorted(sorted, p);
  }

  summarize(): DistributionSummary {
    if (this.n === 0) return { ...EMPTY_DISTRIBUTION };
    return this.histogram ? this.histogram.summarize() : summarizeDistribution(this.values!.subarray(0, this.n));
  }

  /** Add another sketch's values (e.g. a run-level distribution from per-group ones). */
  absorb(other: SampleSketch): void {
    if (!other.histogram) {
      const vals = other.values!;
      for (let i = 0; i < other.n; i++) this.push(vals[i]);
      return;
    }
    // Its values are only in a histogram now: this sketch's must join them there.
    const h = this.histogram ?? this.toHistogram(this.n);
    h.merge(other.histogram);
    this.n += other.n;
  }

  /** Moves the first `kept` values into a histogram and drops them (memory stops growing here). */
  private toHistogram(kept: number): LogHistogram {
    const h = new LogHistogram({ relativeAccuracy: this.relativeAccuracy, minTrackable: 1e-3, maxTrackable: 1e9 });
    const buf = this.values!;
    for (let i = 0; i < kept; i++) h.record(buf[i]);
    this.values = null;
    this.histogram = h;
    return h;
  }
}
