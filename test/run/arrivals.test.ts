import { describe, expect, it } from 'vitest';
import { arrivalTimes } from '../../src/run/arrivals.ts';

function take(it: Iterator<number>, n: number): number[] {
  return Array.from({ length: n }, () => it.next().value as number);
}

describe('arrivalTimes', () => {
  it('constant: evenly spaced at 1000/rate ms from 0, without drift', () => {
    const t = take(arrivalTimes(300, 'constant'), 30_001);
    expect(t[0]).toBe(0);
    expect(t[1]).toBeCloseTo(1000 / 300, 9);
    expect(t[30_000]).toBeCloseTo(100_000, 6); // k * gap, not a running sum
  });

  it('poisson: exponential gaps with mean 1000/rate over 10k samples', () => {
    const rate = 200;
    const t = take(arrivalTimes(rate, 'poisson', 7), 10_001);
    expect(t[0]).toBe(0);
    const gaps = t.slice(1).map((x, i) => x - t[i]);
    expect(gaps.every((g) => g >= 0)).toBe(true);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(mean).toBeGreaterThan((1000 / rate) * 0.97); // standard error of the mean is 1%
    expect(mean).toBeLessThan((1000 / rate) * 1.03);
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length - 1));
    expect(sd / mean).toBeGreaterThan(0.95); // exponential: sd = mean (constant gaps would give 0)
    expect(sd / mean).toBeLessThan(1.05);
    const belowMean = gaps.filter((g) => g < 1000 / rate).length / gaps.length;
    expect(belowMean).toBeGreaterThan(1 - Math.exp(-1) - 0.02);
    expect(belowMean).toBeLessThan(1 - Math.exp(-1) + 0.02);
  });

  it('poisson: the same seed gives the same schedule, another seed another', () => {
    const a = take(arrivalTimes(50, 'poisson', 123), 100);
    const b = take(arrivalTimes(50, 'poisson', 123), 100);
    const c = take(arrivalTimes(50, 'poisson', 124), 100);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('refuses a rate that is not a positive number', () => {
    for (const bad of [0, -1, Infinity, NaN]) expect(() => arrivalTimes(bad).next()).toThrow(RangeError);
  });
});
