/** z for a two-sided 95% interval: the 0.975 quantile of the standard normal. */
export const Z_95 = 1.959963984540054;

export interface ProportionInterval {
  /** successes / n. */
  estimate: number;
  low: number;
  high: number;
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998, method 3), without
 * continuity correction: the same as R's `prop.test(x, n, correct = FALSE)$conf.int`. Unlike the
 * normal (Wald) interval it stays inside [0, 1] and is not degenerate at 0/n or n/n.
 *
 * n = 0 carries no information: estimate, low and high are all NaN (JSON turns them into null).
 */
export function wilsonInterval(successes: number, n: number, z: number = Z_95): ProportionInterval {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`successes must be an integer in [0, n=${n}], got ${successes}`);
  }
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN };
  const p = successes / n;
  return { estimate: p, ...wilsonBounds(p, n, z) };
}

/**
 * The Wilson bounds for a proportion p observed at sample size n, which may be fractional (an
 * effective sample size of clustered data, see clustered.ts).
 */
export function wilsonBounds(p: number, n: number, z: number = Z_95): { low: number; high: number } {
  if (!(n > 0)) return { low: NaN, high: NaN };
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0/n and n/n the bound is exactly 0 or 1 in theory; clamp the rounding error.
  return { low: p === 0 ? 0 : Math.max(0, center - half), high: p === 1 ? 1 : Math.min(1, center + half) };
}
