import { describe, expect, it } from 'vitest';
import { wilsonInterval, Z_95 } from '../../../src/grade/statistics/index.ts';

/**
 * Reference values: R `prop.test(x, n, correct = FALSE)$conf.int` (Wilson score interval without
 * continuity correction; Wilson 1927, Newcombe 1998 method 3), cross-checked with
 * scipy `binomtest(x, n).proportion_ci(method="wilson")`. The 8/10 case by hand:
 *   p = 0.8, z^2 = 3.841459, denom = 1 + z^2/n = 1.3841459
 *   center = (0.8 + z^2/20) / denom = 0.9920729 / 1.3841459 = 0.7167401
 *   half = (z / denom) * sqrt(0.8*0.2/10 + z^2/400) = 1.4159977 * sqrt(0.0256036) = 0.2265777
 *   -> [0.4901625, 0.9433178]
 */
const REFERENCE: [number, number, number, number][] = [
  [8, 10, 0.4901624715366418, 0.9433178485456248],
  [0, 10, 0, 0.27753279986288926],
  [10, 10, 0.7224672001371109, 1],
  [1, 20, 0.008881448800795402, 0.23613119344674205],
  [45, 50, 0.7863976856252034, 0.9565242350681095],
  [0, 1, 0, 0.7934506856227626],
  [50, 100, 0.4038315303659956, 0.5961684696340044],
];

describe('wilsonInterval', () => {
  it.each(REFERENCE)('%i/%i matches the reference interval', (x, n, low, high) => {
    const ci = wilsonInterval(x, n);
    expect(ci.estimate).toBeCloseTo(x / n, 12);
    expect(ci.low).toBeCloseTo(low, 10);
    expect(ci.high).toBeCloseTo(high, 10);
  });

  it('8/10 rounds to the textbook [0.4902, 0.9433]', () => {
    const ci = wilsonInterval(8, 10);
    expect(ci.low.toFixed(4)).toBe('0.4902');
    expect(ci.high.toFixed(4)).toBe('0.9433');
  });

  it('keeps the bounds inside [0, 1] and exact at 0/n and n/n', () => {
    for (const n of [1, 2, 7, 1000]) {
      expect(wilsonInterval(0, n).low).toBe(0);
      expect(wilsonInterval(n, n).high).toBe(1);
      for (const x of [0, Math.floor(n / 2), n]) {
        const ci = wilsonInterval(x, n);
        expect(ci.low).toBeGreaterThanOrEqual(0);
        expect(ci.high).toBeLessThanOrEqual(1);
        expect(ci.low).toBeLessThanOrEqual(ci.estimate);
        expect(ci.high).toBeGreaterThanOrEqual(ci.estimate);
      }
    }
  });

  it('is NaN for n = 0 (no information)', () => {
    const ci = wilsonInterval(0, 0);
    expect(ci.estimate).toBeNaN();
    expect(ci.low).toBeNaN();
    expect(ci.high).toBeNaN();
  });

  it('narrows with a smaller z (90%: z = 1.644854)', () => {
    const wide = wilsonInterval(8, 10, Z_95);
    const narrow = wilsonInterval(8, 10, 1.6448536269514722);
    // scipy binomtest(8, 10).proportion_ci(confidence_level=0.90, method="wilson")
    // -> [0.5407928056874879, 0.9314420122624679]
    expect(narrow.low).toBeCloseTo(0.5407928056874879, 10);
    expect(narrow.high).toBeCloseTo(0.9314420122624679, 10);
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
  });

  it('rejects impossible counts', () => {
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 10)).toThrow(RangeError);
  });
});
