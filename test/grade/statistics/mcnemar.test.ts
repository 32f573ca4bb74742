import { describe, expect, it } from 'vitest';
import { binomialHalfCdf, exactMcNemar } from '../../../src/grade/statistics/index.ts';

/**
 * Reference: R `binom.test(min(b, c), b + c)$p.value` (equivalently exact2x2::mcnemar.exact),
 * cross-checked with scipy.stats.binomtest(min(b, c), b + c).pvalue. By hand:
 *   b=10, c=2: n=12, P(X<=2) = (C(12,0)+C(12,1)+C(12,2)) / 2^12 = (1+12+66)/4096 = 79/4096
 *              p = 2 * 79/4096 = 0.03857421875
 *   b=6, c=0:  p = 2 * 1/2^6 = 0.03125
 *   b=1, c=0:  p = min(1, 2 * 1/2) = 1
 *   b=5, c=5:  p = min(1, 2 * P(X<=5 | n=10)) = 1 (the two tails overlap)
 */
const REFERENCE: [number, number, number][] = [
  [10, 2, 0.03857421875],
  [2, 10, 0.03857421875],
  [6, 0, 0.03125],
  [1, 0, 1],
  [5, 5, 1],
  [30, 12, 0.007915897334896727],
  [0, 25, 5.960464477539063e-8],
  [40, 60, 0.05688793364098089],
  [700, 800, 0.010559255466711506],
  [1500, 1620, 0.033118547219138456],
];

/** P(X <= k), X ~ Bin(n, 1/2), by exact integer combinatorics: an independent reference. */
function exactCdf(k: number, n: number): number {
  let coef = 1n;
  let sum = 0n;
  for (let i = 0; i <= k; i++) {
    sum += coef;
    coef = (coef * BigInt(n - i)) / BigInt(i + 1);
  }
  return bigRatio(sum, 2n ** BigInt(n));
}

/** a / b as a double with full relative precision, however small (keeps 64 quotient bits). */
function bigRatio(a: bigint, b: bigint): number {
  if (a === 0n) return 0;
  const shift = b.toString(2).length - a.toString(2).length + 64;
  const q = shift >= 0 ? (a << BigInt(shift)) / b : a / (b << BigInt(-shift));
  return Number(q) * 2 ** -(shift / 2) * 2 ** -(shift / 2);
}

describe('exactMcNemar', () => {
  it.each(REFERENCE)('b=%i c=%i matches R binom.test', (b, c, p) => {
    expect(exactMcNemar(b, c)).toBeCloseTo(p, 12);
    expect(exactMcNemar(b, c) / p).toBeCloseTo(1, 9); // relative accuracy, also for tiny p
  });

  it('is 1 with no discordant pairs', () => {
    expect(exactMcNemar(0, 0)).toBe(1);
  });

  it('is symmetric in b and c', () => {
    for (const [b, c] of [[3, 9], [0, 7], [123, 150]]) expect(exactMcNemar(b, c)).toBe(exactMcNemar(c, b));
  });

  it('agrees with exact integer combinatorics up to n = 4000', () => {
    for (const [k, n] of [[0, 1], [3, 17], [45, 100], [480, 1000], [1950, 4000], [1000, 4000]]) {
      const ref = exactCdf(k, n);
      const got = binomialHalfCdf(k, n);
      expect(ref).toBeGreaterThan(0);
      expect(got / ref).toBeCloseTo(1, 9);
    }
  });

  it('stays finite and in (0, 1] where 2^n overflows a double', () => {
    const p = exactMcNemar(2000, 2100);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThanOrEqual(1);
    expect(p / (2 * exactCdf(2000, 4100))).toBeCloseTo(1, 9);
  });

  it('rejects negative or fractional counts', () => {
    expect(() => exactMcNemar(-1, 2)).toThrow(RangeError);
    expect(() => exactMcNemar(1, 2.5)).toThrow(RangeError);
  });
});
