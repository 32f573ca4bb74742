import { percentileSorted } from './percentile.ts';
import { RunningMoments } from './running-moments.ts';

/**
 * Summary of one distribution (docs/metrics.md "every distribution"). Percentiles use linear
 * interpolation between closest ranks. `std` is the sample standard deviation (n - 1); null when
 * count < 2. Every field but `count` is null when there are no values.
 */
export interface DistributionSummary {
  count: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export const EMPTY_DISTRIBUTION: Readonly<DistributionSummary> = Object.freeze({
  count: 0, mean: null, std: null, min: null, p50: null, p90: null, p95: null, p99: null, max: null,
});

/** Summarise values; null, undefined, NaN and ±Infinity are left out. The input is not modified. */
export function summarizeDistribution(values: Float64Array | ArrayLike<number | null | undefined>): DistributionSummary {
  let n = 0;
  const sorted = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) sorted[n++] = v;
  }
  if (n === 0) return { ...EMPTY_DISTRIBUTION };
  const s = n === sorted.length ? sorted : sorted.subarray(0, n);
  s.sort(); // typed arrays sort numerically
  return summarizeSorted(s);
}

/** `sorted` must be ascending, finite and non-empty. */
function summarizeSorted(sorted: Float64Array): DistributionSummary {
  const n = sorted.length;
  // Two passes (mean, then squared deviations): stable for values with a large common offset.
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = sum / n;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = sorted[i] - mean;
    m2 += d * d;
  }
  return {
    count: n,
    mean,
    std: n > 1 ? Math.sqrt(m2 / (n - 1)) : null,
    min: sorted[0],
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
    max: sorted[n - 1],
  };
}

/**
 * A growable buffer of numbers (Float64Array, doubling): 8 bytes a value, no boxing.
 * `push` ignores null/undefined/non-finite values so callers can feed nullable row fields.
 */
export class SampleBuffer {
  private buf: Float64Array;
  private n = 0;

  constructor(initialCapacity = 64) {
    this.buf = new Float64Array(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.n;
  }

  push(v: number | null | undefined): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }

  pushAll(values: ArrayLike<number | null | undefined>): void {
    for (let i = 0; i < values.length; i++) this.push(values[i]);
  }

  /** A view of the collected values (valid until the next push). */
  values(): Float64Array {
    return this.buf.subarray(0, this.n);
  }

  summarize(): DistributionSummary {
    return summarizeDistribution(this.values());
  }

  /** Concatenate several buffers' values into one new array (e.g. a run-level distribution). */
  static concat(buffers: readonly SampleBuffer[]): Float64Array {
    let total = 0;
    for (const b of buffers) total += b.n;
    const out = new Float64Array(total);
    let at = 0;
    for (const b of buffers) {
      out.set(b.values(), at);
      at += b.n;
    }
    return out;
  }
}

export interface LogHistogramOptions {
  /** Maximum relative error of a reported percentile; default 0.005 (0.5%). */
  relativeAccuracy?: number;
  /** Smallest value resolved with relative accuracy; smaller values go to an underflow bucket. Default 1e-3. */
  minTrackable?: number;
  /** Largest value resolved; larger values go to an overflow bucket. Default 1e7 (ms: ~2.8 h). */
  maxTrackable?: number;
}

/**
 * Bounded-memory histogram with logarithmic buckets (DDSketch / HDR style) for distributions too
 * large to keep exactly, such as the pooled inter-token latencies of a whole run.
 *
 * Bucket i holds values in (γ^(i-1), γ^i] with γ = (1 + α) / (1 - α) and reports them as
 * 2γ^i / (γ + 1), which is within a relative error α of every value in the bucket. A percentile
 * interpolated linearly between the values at two ranks is then within α of the exact
 * linear-interpolation percentile (a convex combination of values each within α is within α).
 * So: |approx - exact| <= α · exact for values in [minTrackable, maxTrackable]; values below
 * minTrackable (including the many exact-zero gaps of events that arrive in one read) are
 * reported within an absolute error of minTrackable; values above maxTrackable as the exact max.
 * count, mean, std, min and max are exact.
 *
 * Counts are stored only over the buckets the data spans (see reserve), so a fine α costs memory
 * for the decades the data covers, not for the whole trackable range. Never more than
 * `bucketCount` counts (with the defaults: ~2,300 buckets, ~18 KB), whatever the number of samples.
 */
export class LogHistogram {
  readonly relativeAccuracy: number;
  readonly minTrackable: number;
  readonly maxTrackable: number;
  /** Number of buckets the trackable range can need: the most this histogram ever stores. */
  readonly bucketCount: number;
  private readonly lnGamma: number;
  private readonly gamma: number;
  private readonly offset: number;
  /** counts[j] is bucket `first + j` (0-based from minTrackable's bucket). */
  private counts = new Float64Array(0);
  private first = 0;
  /** Lowest and highest bucket holding a count (empty: lo > hi). */
  private usedLo = Infinity;
  private usedHi = -Infinity;
  private underflow = 0;
  private overflow = 0;
  private readonly moments = new RunningMoments();

  constructor(options: LogHistogramOptions = {}) {
    const alpha = options.relativeAccuracy ?? 0.005;
    const minT = options.minTrackable ?? 1e-3;
    const maxT = options.maxTrackable ?? 1e7;
    if (!(alpha > 0 && alpha < 1)) throw new RangeError('relativeAccuracy must be in (0, 1)');
    if (!(minT > 0 && maxT > minT)) throw new RangeError('need 0 < minTrackable < maxTrackable');
    this.relativeAccuracy = alpha;
    this.minTrackable = minT;
    this.maxTrackable = maxT;
    // A hair tighter than asked so float rounding at bucket edges cannot push the error past α.
    const a = alpha * (1 - 1e-9);
    this.gamma = (1 + a) / (1 - a);
    this.lnGamma = Math.log(this.gamma);
    this.offset = this.index(minT);
    this.bucketCount = this.index(maxT) - this.offset + 1;
  }

  /** Buckets holding counts right now (<= bucketCount): what the histogram's memory grows with. */
  get storedBuckets(): number {
    return this.counts.length;
  }

  get count(): number {
    return this.moments.n;
  }

  private index(v: number): number {
    return Math.ceil(Math.log(v) / this.lnGamma);
  }

  private representative(i: number): number {
    return (2 * Math.pow(this.gamma, i)) / (this.gamma + 1);
  }

  /**
   * Makes the stored range cover buckets lo..hi (0-based from minTrackable's bucket). It is sized
   * from the buckets actually holding counts, plus a quarter of slack on the side that grew: new
   * extremes are rare once the bulk of the data is seen, and the slack keeps even steadily
   * rising data to few copies. So it stays within 1.25x the occupied span (at least 64).
   */
  private reserve(lo: number, hi: number): void {
    const len = this.counts.length;
    if (len > 0 && lo >= this.first && hi < this.first + len) return;
    const empty = this.usedLo > this.usedHi;
    const from = Math.min(lo, this.usedLo);
    const to = Math.max(hi, this.usedHi);
    const needed = to - from + 1;
    const size = Math.min(Math.max(needed + (needed >> 2), 64), this.bucketCount);
    let start = empty ? from - ((size - needed) >> 1) : lo < this.usedLo ? to - size + 1 : from;
    start = Math.min(Math.max(start, 0), this.bucketCount - size);
    const next = new Float64Array(size);
    if (!empty) next.set(this.counts.subarray(this.usedLo - this.first, this.usedHi - this.first + 1), this.usedLo - start);
    this.counts = next;
    this.first = start;
  }

  /** Record one value; null/undefined/non-finite values are ignored. */
  record(v: number | null | undefined): void {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    this.moments.push(v);
    if (v < this.minTrackable) this.underflow++;
    else if (v > this.maxTrackable) this.overflow++;
    else {
      // Clamp guards against a rounding of log() at the range ends.
      const b = Math.min(Math.max(this.index(v) - this.offset, 0), this.bucketCount - 1);
      this.reserve(b, b);
      this.counts[b - this.first]++;
      if (b < this.usedLo) this.usedLo = b;
      if (b > this.usedHi) this.usedHi = b;
    }
  }

  recordAll(values: ArrayLike<number | null | undefined>): void {
    for (let i = 0; i < values.length; i++) this.record(values[i]);
  }

  /** Add another histogram's samples (same options required). */
  merge(other: LogHistogram): void {
    if (other.bucketCount !== this.bucketCount || other.gamma !== this.gamma || other.offset !== this.offset) {
      throw new RangeError('cannot merge LogHistograms built with different options');
    }
    if (other.moments.n === 0) return;
    if (other.usedLo <= other.usedHi) {
      this.reserve(other.usedLo, other.usedHi);
      for (let b = other.usedLo; b <= other.usedHi; b++) this.counts[b - this.first] += other.counts[b - other.first];
      if (other.usedLo < this.usedLo) this.usedLo = other.usedLo;
      if (other.usedHi > this.usedHi) this.usedHi = other.usedHi;
    }
    this.underflow += other.underflow;
    this.overflow += other.overflow;
    this.moments.merge(other.moments);
  }

  /** Approximate value at 0-based rank r of the sorted samples (0 <= r < count). */
  private valueAtRank(r: number): number {
    const { n, lo, hi } = this.moments;
    if (r <= 0) return lo;
    if (r >= n - 1) return hi;
    let seen = this.underflow;
    if (r < seen) return clamp(0, lo, hi);
    for (let j = 0; j < this.counts.length; j++) {
      seen += this.counts[j];
      if (r < seen) return clamp(this.representative(j + this.first + this.offset), lo, hi);
    }
    return hi; // overflow bucket
  }

  /** Linear-interpolation percentile (p in [0, 100]); null when empty. */
  percentile(p: number): number | null {
    if (this.moments.n === 0) return null;
    const rank = (p / 100) * (this.moments.n - 1);
    const lo = Math.floor(rank);
    const vLo = this.valueAtRank(lo);
    if (rank === lo) return vLo;
    const vHi = this.valueAtRank(lo + 1);
    return vLo + (vHi - vLo) * (rank - lo);
  }

  summarize(): DistributionSummary {
    const m = this.moments;
    if (m.n === 0) return { ...EMPTY_DISTRIBUTION };
    return {
      count: m.n,
      mean: m.mean,
      std: m.std,
      min: m.lo,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: m.hi,
    };
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

