import { percentileSorted } from '../../measure/percentile.ts';
import { DEFAULT_SEED, seededRandom } from './seeded-random.ts';

export interface BootstrapOptions {
  /** Number of resamples; default 2000. */
  iterations?: number;
  /** Two-sided confidence level in (0, 1); default 0.95. */
  confidence?: number;
  /** PRNG seed; default DEFAULT_SEED, so the same data always give the same interval. */
  seed?: number;
}

export interface MeanInterval {
  /** Mean of the sample itself (not of the resamples). */
  mean: number;
  low: number;
  high: number;
  n: number;
}

export interface PairedDiff {
  /** mean(a) - mean(b) over the pairs. */
  diff: number;
  low: number;
  high: number;
  /**
   * Two-sided bootstrap p-value for "no difference": twice the share of resampled mean
   * differences on the other side of 0 from `diff` (0 itself counts as the other side), capped
   * at 1. 1 when diff is 0. Its resolution is 2/iterations: 0 means "below that".
   */
  pValue: number;
  n: number;
}

/**
 * Percentile-bootstrap interval of the mean (Efron & Tibshirani 1993, ch. 13): resample the values
 * with replacement, take the mean of each resample, and read the (1-c)/2 and (1+c)/2 quantiles
 * (linear interpolation, as percentileSorted). Empty input: all NaN.
 */
export function bootstrapMeanInterval(values: readonly number[], opts: BootstrapOptions = {}): MeanInterval {
  const n = values.length;
  if (n === 0) return { mean: NaN, low: NaN, high: NaN, n };
  const means = resampleMeans(values, opts);
  const { low, high } = percentileBounds(means, opts.confidence ?? 0.95);
  return { mean: mean(values), low, high, n };
}

/**
 * Paired bootstrap of a difference in means: resample the pairs (i.e. the per-pair differences
 * a[i]-b[i]) so that case difficulty, shared by both sides of a pair, cancels out.
 */
export function pairedBootstrapDiff(
  a: readonly number[],
  b: readonly number[],
  opts: BootstrapOptions = {},
): PairedDiff {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  if (n === 0) return { diff: NaN, low: NaN, high: NaN, pValue: NaN, n };
  const d = a.map((x, i) => x - b[i]);
  const diff = mean(d);
  const means = resampleMeans(d, opts);
  const { low, high } = percentileBounds(means, opts.confidence ?? 0.95);
  let pValue = 1;
  if (diff !== 0) {
    let other = 0;
    for (const m of means) if (diff > 0 ? m <= 0 : m >= 0) other++;
    pValue = Math.min(1, (2 * other) / means.length);
  }
  return { diff, low, high, pValue, n };
}

/** Sorted means of `iterations` resamples of `values`. */
function resampleMeans(values: readonly number[], opts: BootstrapOptions): Float64Array {
  const iterations = opts.iterations ?? 2000;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  }
  const random = seededRandom(opts.seed ?? DEFAULT_SEED);
  const n = values.length;
  const xs = Float64Array.from(values);
  const means = new Float64Array(iterations);
  // The hot loop of every report: iterations x n draws, so no allocation or call besides random().
  for (let it = 0; it < iterations; it++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += xs[(random() * n) | 0];
    means[it] = sum / n;
  }
  return means.sort();
}

function percentileBounds(sortedMeans: Float64Array, confidence: number): { low: number; high: number } {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const tail = ((1 - confidence) / 2) * 100;
  return { low: percentileSorted(sortedMeans, tail), high: percentileSorted(sortedMeans, 100 - tail) };
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
