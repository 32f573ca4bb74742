import { describe, expect, it } from 'vitest';
import {
  casesForPower, clusteredMcNemar, clusteredProportion, clusteredStderr, exactMcNemar, wilsonInterval,
} from '../../../src/grade/statistics/index.ts';

/** `cases` cases x `repeats` repeats; case i passes every repeat when pass(i). */
function grid(cases: number, repeats: number, pass: (i: number, r: number) => boolean): boolean[][] {
  return Array.from({ length: cases }, (_, i) => Array.from({ length: repeats }, (_, r) => pass(i, r)));
}

describe('clusteredStderr', () => {
  it('matches inspect_ai stderr(cluster=...) on a hand-computed example', () => {
    // inspect_ai src/inspect_ai/scorer/_metrics/std.py: sqrt(G/(G-1) * sum_g (sum_i (x_i - m))^2) / N.
    // x = 1,1,1,0,0,0 in clusters 0,1,1,1,0,0: mean 0.5; cluster 0 holds 1,0,0 -> deviation sum -0.5,
    // cluster 1 holds 1,1,0 -> +0.5; (0.25 + 0.25) * 2/1 = 1; sqrt(1) / 6 = 1/6.
    expect(clusteredStderr([[1, 0, 0], [1, 1, 0]])).toBeCloseTo(1 / 6, 12);
    // Clusters of one: the sample standard deviation (n - 1) over sqrt(n). By hand for 0,1,1,1:
    // mean 0.75, deviations -0.75, 0.25 x3 -> sum of squares 0.75; * 4/3 = 1; sqrt(1)/4 = 0.25.
    expect(clusteredStderr([[0], [1], [1], [1]])).toBeCloseTo(0.25, 12);
    expect(clusteredStderr([[1, 0]])).toBeNaN();
  });
});

describe('clusteredProportion', () => {
  it('10 cases x 10 repeats, 5 always pass and 5 always fail: as wide as 10 independent cases, not 100', () => {
    const p = clusteredProportion(grid(10, 10, (i) => i < 5));
    expect(p).toMatchObject({ estimate: 0.5, cases: 10, n: 100, method: 'clustered-wilson' });
    // SE = sqrt(10/9 * 10 * 5^2) / 100 = 0.1667; deff = 0.1667^2 / (0.25/100) = 11.1; n_eff = 9.
    expect(p.stderr).toBeCloseTo(Math.sqrt((10 / 9) * 250) / 100, 12);
    expect(p.effective_n).toBeCloseTo(9, 9);
    const half = (p.high - p.low) / 2;
    expect(half).toBeGreaterThan(0.25); // Wilson on 10 independent cases: ±26.3 pp
    expect(half).toBeLessThan(0.33);
    const naive = wilsonInterval(50, 100); // what treating repeats as independent gave: ±9.6 pp
    expect((naive.high - naive.low) / 2).toBeLessThan(0.1);
  });

  it('one outcome per case is the plain Wilson interval', () => {
    const p = clusteredProportion(grid(20, 1, (i) => i < 13));
    expect(p).toMatchObject({ ...wilsonInterval(13, 20), method: 'wilson', effective_n: 20, stderr: null });
  });

  it('repeats that vary independently of the case barely widen the interval', () => {
    // Every case passes exactly half its repeats: no between-case variation, so deff stays at its floor of 1.
    const p = clusteredProportion(grid(10, 10, (_, r) => r % 2 === 0));
    expect(p.design_effect).toBe(1);
    expect(p.low).toBeCloseTo(wilsonInterval(50, 100).low, 12);
  });

  it('all pass with repeats: every case counts once', () => {
    const p = clusteredProportion(grid(8, 5, () => true));
    expect(p.effective_n).toBe(8);
    expect(p.high).toBe(1);
    expect(p.low).toBeCloseTo(wilsonInterval(8, 8).low, 12);
  });
});

describe('clusteredMcNemar (Durkalski et al. 2003)', () => {
  it('one pair per case is McNemar without continuity correction', () => {
    // b = 8, c = 2: (8-2)^2 / 10 = 3.6; R mcnemar.test(matrix(c(5, 2, 8, 5), 2), correct = FALSE): p = 0.05778.
    const cases = [...Array(8).fill({ b: 1, c: 0 }), ...Array(2).fill({ b: 0, c: 1 })];
    const r = clusteredMcNemar(cases);
    expect(r.statistic).toBeCloseTo(3.6, 12);
    expect(r.p_value).toBeCloseTo(0.05777957, 6);
  });

  it('aggregates discordance per case', () => {
    // (b, c) per case: (3,0) (2,1) (0,2) (4,0): sum(b-c) = 6, sum((b-c)^2) = 9+1+4+16 = 30, X2 = 1.2,
    // P(chi2_1 > 1.2) = 0.27332 (R: pchisq(1.2, 1, lower.tail = FALSE)).
    const r = clusteredMcNemar([{ b: 3, c: 0 }, { b: 2, c: 1 }, { b: 0, c: 2 }, { b: 4, c: 0 }]);
    expect(r.statistic).toBeCloseTo(1.2, 12);
    expect(r.p_value).toBeCloseTo(0.2733217, 6);
    // The same 9 vs 3 discordant pairs read as independent would look far stronger.
    expect(exactMcNemar(9, 3)).toBeLessThan(r.p_value);
    expect(clusteredMcNemar([{ b: 0, c: 0 }]).p_value).toBe(1);
  });
});

describe('casesForPower', () => {
  it('is ((z_0.975 + z_0.8) * sd / mean)^2, rounded up', () => {
    // diffs 1 x3, 0 x7: mean 0.3, sd^2 = (3 * 0.49 + 7 * 0.09) / 9 = 0.23333;
    // ((1.959964 + 0.841621) * 0.483046 / 0.3)^2 = 20.35 -> 21.
    expect(casesForPower([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])).toBe(21);
    expect(casesForPower([0, 0, 0])).toBeNull();
    expect(casesForPower([0.5])).toBeNull();
    expect(casesForPower([0.2, 0.2, 0.2])).toBe(2);
  });
});
