import { describe, expect, it } from 'vitest';
import {
  bootstrapMeanInterval,
  pairedBootstrapDiff,
  seededRandom,
} from '../../../src/grade/statistics/index.ts';

/** Deterministic test data: n values of a fixed pattern (no randomness in the data itself). */
function pattern(n: number, values: number[]): number[] {
  return Array.from({ length: n }, (_, i) => values[i % values.length]);
}

describe('seededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
  });

  it('yields values in [0, 1) with a mean near 1/2', () => {
    const r = seededRandom(7);
    let sum = 0;
    let outside = 0;
    const N = 20000;
    for (let i = 0; i < N; i++) {
      const x = r();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    // sd of the mean of N uniforms = sqrt(1/12/N) = 0.002: 0.01 is 5 sd.
    expect(Math.abs(sum / N - 0.5)).toBeLessThan(0.01);
  });
});

describe('bootstrapMeanInterval', () => {
  it('is reproducible given a seed, and the seed matters', () => {
    const xs = pattern(30, [0.1, 0.9, 0.4, 0.7, 0.2]);
    const one = bootstrapMeanInterval(xs, { seed: 1 });
    expect(bootstrapMeanInterval(xs, { seed: 1 })).toEqual(one);
    expect(bootstrapMeanInterval(xs)).toEqual(bootstrapMeanInterval(xs)); // default seed
    const other = bootstrapMeanInterval(xs, { seed: 2 });
    expect([other.low, other.high]).not.toEqual([one.low, one.high]);
  });

  it('contains the sample mean', () => {
    const xs = pattern(25, [0, 1, 1, 0.5, 0.25]);
    const ci = bootstrapMeanInterval(xs);
    expect(ci.mean).toBeCloseTo(xs.reduce((s, x) => s + x, 0) / xs.length, 12);
    expect(ci.low).toBeLessThan(ci.mean);
    expect(ci.high).toBeGreaterThan(ci.mean);
  });

  it('agrees with the normal approximation for a large 0/1 sample', () => {
    // 400 values, half 1s: mean 0.5, standard error sqrt(0.25/400) = 0.025,
    // so the 95% interval is about 0.5 +/- 1.96 * 0.025 = [0.451, 0.549] (Efron & Tibshirani 1993, ch. 13).
    const ci = bootstrapMeanInterval(pattern(400, [0, 1]), { iterations: 4000 });
    expect(ci.low).toBeCloseTo(0.451, 1);
    expect(ci.high).toBeCloseTo(0.549, 1);
    expect(Math.abs(ci.low - 0.451)).toBeLessThan(0.008);
    expect(Math.abs(ci.high - 0.549)).toBeLessThan(0.008);
  });

  it('narrows as n grows (roughly as 1/sqrt(n))', () => {
    const width = (n: number) => {
      const ci = bootstrapMeanInterval(pattern(n, [0, 1, 1, 0, 1]));
      return ci.high - ci.low;
    };
    const w25 = width(25);
    const w100 = width(100);
    const w400 = width(400);
    expect(w100).toBeLessThan(w25);
    expect(w400).toBeLessThan(w100);
    expect(w25 / w400).toBeGreaterThan(3); // 4 in theory
    expect(w25 / w400).toBeLessThan(5);
  });

  it('narrows with a lower confidence', () => {
    const xs = pattern(40, [0, 1, 0.5]);
    const c95 = bootstrapMeanInterval(xs);
    const c80 = bootstrapMeanInterval(xs, { confidence: 0.8 });
    expect(c80.high - c80.low).toBeLessThan(c95.high - c95.low);
  });

  it('is degenerate for constant values and NaN for none', () => {
    const constant = bootstrapMeanInterval([0.7, 0.7, 0.7]);
    expect(constant.n).toBe(3);
    for (const v of [constant.mean, constant.low, constant.high]) expect(v).toBeCloseTo(0.7, 12);
    const empty = bootstrapMeanInterval([]);
    expect(empty.mean).toBeNaN();
    expect(empty.low).toBeNaN();
    expect(empty.n).toBe(0);
  });
});

describe('pairedBootstrapDiff', () => {
  it('finds a clear difference: interval above 0 and a small p', () => {
    const a = pattern(40, [0.9, 0.8, 1, 0.7]);
    const b = pattern(40, [0.3, 0.5, 0.2, 0.4]);
    const d = pairedBootstrapDiff(a, b);
    expect(d.diff).toBeCloseTo(0.5, 12);
    expect(d.low).toBeGreaterThan(0);
    expect(d.pValue).toBeLessThan(0.01);
    const reversed = pairedBootstrapDiff(b, a);
    expect(reversed.diff).toBeCloseTo(-0.5, 12);
    expect(reversed.high).toBeLessThan(0);
    expect(reversed.pValue).toBeLessThan(0.01);
  });

  it('identical samples: no difference, p = 1', () => {
    const a = pattern(30, [0.2, 0.6, 1]);
    expect(pairedBootstrapDiff(a, [...a])).toMatchObject({ diff: 0, low: 0, high: 0, pValue: 1, n: 30 });
  });

  it('pairs cancel case difficulty: a constant gap is detected even when cases vary widely', () => {
    const b = pattern(20, [0, 0.2, 0.5, 0.8]);
    const a = b.map((x) => x + 0.05);
    const paired = pairedBootstrapDiff(a, b);
    expect(paired.low).toBeCloseTo(0.05, 12);
    expect(paired.high).toBeCloseTo(0.05, 12);
    expect(paired.pValue).toBe(0);
  });

  it('noisy small differences are not significant', () => {
    const a = pattern(20, [1, 0, 1, 0]);
    const b = pattern(20, [0, 1, 1, 0]); // same mean, discordant on half the pairs
    const d = pairedBootstrapDiff(a, b);
    expect(d.diff).toBe(0);
    expect(d.pValue).toBe(1);
    expect(d.low).toBeLessThan(0);
    expect(d.high).toBeGreaterThan(0);
    const near = pairedBootstrapDiff([...a.slice(0, 19), 1], b); // one more pass for A
    expect(near.pValue).toBeGreaterThan(0.2);
    expect(near.pValue).toBeLessThanOrEqual(1);
  });

  it('is reproducible given a seed', () => {
    const a = pattern(15, [0.1, 0.5, 0.9]);
    const b = pattern(15, [0.3, 0.2, 0.4, 0.6]);
    expect(pairedBootstrapDiff(a, b, { seed: 9 })).toEqual(pairedBootstrapDiff(a, b, { seed: 9 }));
  });

  it('rejects unpaired samples', () => {
    expect(() => pairedBootstrapDiff([1, 2], [1])).toThrow(RangeError);
  });
});
