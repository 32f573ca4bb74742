import { Z_95 } from './wilson-interval.ts';

/** z of the 0.8 quantile of the standard normal: 80% power. */
export const Z_POWER_80 = 0.8416212335729143;

/**
 * Cases needed for a paired comparison to detect the observed mean difference at 80% power,
 * two-sided at 5%: the normal approximation for a paired (one-sample) test of means,
 * n = ((z_{1-a/2} + z_{1-b}) * sd / delta)^2 (Chow, Shao & Wang, Sample Size Calculations in
 * Clinical Research, 2nd ed. 2008, sec. 3.1, eq. 3.1.2). The unit is the case: `diffs` holds one
 * mean difference (A minus B over the repeats both ran) per case, so repeats are accounted for.
 * null when there is no difference to detect or fewer than 2 cases to estimate the spread.
 */
export function casesForPower(diffs: readonly number[], zAlpha: number = Z_95, zPower: number = Z_POWER_80): number | null {
  const n = diffs.length;
  if (n < 2) return null;
  let sum = 0;
  for (const d of diffs) sum += d;
  const mean = sum / n;
  if (mean === 0) return null;
  let ss = 0;
  for (const d of diffs) ss += (d - mean) * (d - mean);
  const sd = Math.sqrt(ss / (n - 1));
  // Every case moved the same way by the same amount: any sample detects it; n = 2 is the least a test needs.
  if (sd === 0) return 2;
  return Math.max(2, Math.ceil(((zAlpha + zPower) * sd / Math.abs(mean)) ** 2));
}
