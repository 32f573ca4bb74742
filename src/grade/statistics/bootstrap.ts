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
  return { diff, low, high, pValue: bootstrapP(diff, means), n };
}

/** One independent unit of a cluster bootstrap: the sum and count of its observations (e.g. a case's repeats). */
export interface Cluster {
  sum: number;
  n: number;
}

/**
 * Case-level (cluster) bootstrap of a mean (Davison & Hinkley 1997, sec. 3.8, "resampling
 * clusters"): resample whole clusters with replacement and take the pooled mean
 * sum(sums) / sum(counts) of each resample. Repeats of one case are correlated, so the case is
 * the unit resampled; with one observation per cluster this is bootstrapMeanInterval exactly.
 */
export function clusterBootstrapMeanInterval(clusters: readonly Cluster[], opts: BootstrapOptions = {}): MeanInterval {
  const n = clusters.reduce((t, c) => t + c.n, 0);
  if (clusters.length === 0 || n === 0) return { mean: NaN, low: NaN, high: NaN, n };
  const means = resampleClusterMeans(clusters, opts);
  const { low, high } = percentileBounds(means, opts.confidence ?? 0.95);
  return { mean: clusters.reduce((t, c) => t + c.sum, 0) / n, low, high, n };
}

/**
 * Paired cluster bootstrap of a difference in means: each cluster holds the sum and count of
 * its per-pair differences a - b; whole clusters are resampled. p-value as pairedBootstrapDiff.
 */
export function pairedClusterBootstrapDiff(clusters: readonly Cluster[], opts: BootstrapOptions = {}): PairedDiff {
  const n = clusters.reduce((t, c) => t + c.n, 0);
  if (clusters.length === 0 || n === 0) return { diff: NaN, low: NaN, high: NaN, pValue: NaN, n };
  const diff = clusters.reduce((t, c) => t + c.sum, 0) / n;
  const means = resampleClusterMeans(clusters, opts);
  const { low, high } = percentileBounds(means, opts.confidence ?? 0.95);
  return { diff, low, high, pValue: bootstrapP(diff, means), n };
}

function bootstrapP(diff: number, means: Float64Array): number {
  if (diff === 0) return 1;
  let other = 0;
  for (const m of means) if (diff > 0 ? m <= 0 : m >= 0) other++;
  return Math.min(1, (2 * other) / means.length);
}

/** Sorted means of `iterations` resamples of `values`. */
function resampleMeans(values: readonly number[], opts: BootstrapOptions): Float64Array {
  return resampleClusterMeans(values.map((v) => ({ sum: v, n: 1 })), opts);
}

/** Sorted pooled means of `iterations` resamples of whole clusters. */
function resampleClusterMeans(clusters: readonly Cluster[], opts: BootstrapOptions): Float64Array {
  const iterations = opts.iterations ?? 2000;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`iterations must be a positive integer, got ${iterations}`);
  }
  const random = seededRandom(opts.seed ?? DEFAULT_SEED);
  const g = clusters.length;
  const sums = Float64Array.from(clusters, (c) => c.sum);
  const counts = Float64Array.from(clusters, (c) => c.n);
  const means = new Float64Array(iterations);
  // The hot loop of every report: iterations x g draws, so no allocation or call besides random().
  for (let it = 0; it < iterations; it++) {
    let sum = 0;
    let n = 0;
    for (let j = 0; j < g; j++) {
      const k = (random() * g) | 0;
      sum += sums[k];
      n += counts[k];
    }
    // A resample of only empty clusters cannot happen: callers drop clusters with n = 0.
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
