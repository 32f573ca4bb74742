import { percentileSorted } from '../../measure/percentile.ts';
import { DEFAULT_SEED, seededRandom } from './seeded-random.ts';

export interface QuantileRatio {
  /** Percentile (0-100) compared. */
  percentile: number;
  /** quantile(next) / quantile(base) of the samples themselves. */
  ratio: number;
  /** Two-sided 95% percentile-bootstrap interval of the ratio. */
  low: number;
  high: number;
  n_base: number;
  n_new: number;
}

export interface QuantileRatioOptions {
  /** Resamples; default 1000 (each one sorts both samples). */
  iterations?: number;
  seed?: number;
}

/**
 * Ratio of a percentile of two independent samples (new over base, e.g. p50 or p95 latency) with
 * a percentile-bootstrap 95% interval (Efron & Tibshirani 1993, ch. 13): each resample draws
 * both samples with replacement and takes the ratio of their percentiles. A slowdown is real
 * only when the interval lies above 1. null when either sample is empty or the base percentile is 0.
 */
export function quantileRatio(
  base: readonly number[],
  next: readonly number[],
  percentile: number,
  opts: QuantileRatioOptions = {},
): QuantileRatio | null {
  if (base.length === 0 || next.length === 0) return null;
  const sortedBase = Float64Array.from(base).sort();
  const sortedNew = Float64Array.from(next).sort();
  const qb = percentileSorted(sortedBase, percentile);
  if (!(qb > 0)) return null;
  const ratio = percentileSorted(sortedNew, percentile) / qb;
  const iterations = opts.iterations ?? 1000;
  const random = seededRandom(opts.seed ?? DEFAULT_SEED);
  const ratios = new Float64Array(iterations);
  const rb = new Float64Array(base.length);
  const rn = new Float64Array(next.length);
  for (let it = 0; it < iterations; it++) {
    for (let j = 0; j < rb.length; j++) rb[j] = sortedBase[(random() * rb.length) | 0];
    for (let j = 0; j < rn.length; j++) rn[j] = sortedNew[(random() * rn.length) | 0];
    const b = percentileSorted(rb.sort(), percentile);
    ratios[it] = b > 0 ? percentileSorted(rn.sort(), percentile) / b : Infinity;
  }
  ratios.sort();
  return {
    percentile, ratio, low: percentileSorted(ratios, 2.5), high: percentileSorted(ratios, 97.5),
    n_base: base.length, n_new: next.length,
  };
}
