import { describe, expect, it } from 'vitest';
import { isFlaky, passAtK, passHatK, repeatStats } from '../../../src/grade/statistics/index.ts';

/** Binomial coefficient by exact integers. */
function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}
/** a / b for big integers, as a double. */
function ratio(a: bigint, b: bigint): number {
  return Number((a * 10n ** 30n) / b) / 1e30;
}
/** Direct definitions (Chen et al. 2021 eq. 1; tau-bench pass^k). */
const directPassAtK = (n: number, c: number, k: number) => 1 - ratio(choose(n - c, k), choose(n, k));
const directPassHatK = (n: number, c: number, k: number) => ratio(choose(c, k), choose(n, k));

describe('passAtK / passHatK', () => {
  it('match the combinatorial definitions', () => {
    for (let n = 1; n <= 12; n++) {
      for (let c = 0; c <= n; c++) {
        for (let k = 1; k <= n; k++) {
          expect(passAtK(n, c, k)).toBeCloseTo(directPassAtK(n, c, k), 12);
          expect(passHatK(n, c, k)).toBeCloseTo(directPassHatK(n, c, k), 12);
        }
      }
    }
  });

  it('stay accurate where the binomial coefficients are huge (n = 200)', () => {
    // 1 - C(150,10)/C(200,10) = 0.9479063705959571; C(50,10)/C(200,10) = 4.5754203369316737e-7
    expect(passAtK(200, 50, 10)).toBeCloseTo(0.9479063705959571, 12);
    expect(passHatK(200, 50, 10) / 4.5754203369316737e-7).toBeCloseTo(1, 10);
  });

  it('hand-checked values: n=10, c=3', () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12); // k = 1 is the pass rate
    expect(passHatK(10, 3, 1)).toBeCloseTo(0.3, 12);
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252, 12); // C(7,5)=21, C(10,5)=252
    expect(passHatK(10, 3, 5)).toBe(0); // fewer passes than k
    expect(passHatK(10, 3, 2)).toBeCloseTo(3 / 45, 12); // C(3,2)=3, C(10,2)=45
  });

  it('with k = n: pass@n is "any passed", pass^n is "all passed"', () => {
    expect(passAtK(3, 1, 3)).toBe(1);
    expect(passAtK(3, 0, 3)).toBe(0);
    expect(passHatK(3, 3, 3)).toBe(1);
    expect(passHatK(3, 2, 3)).toBe(0);
  });

  it('rejects k outside [1, n]', () => {
    expect(() => passAtK(3, 1, 4)).toThrow(RangeError);
    expect(() => passHatK(3, 1, 0)).toThrow(RangeError);
    expect(() => passAtK(3, 4, 1)).toThrow(RangeError);
  });
});

describe('isFlaky / repeatStats', () => {
  it('flags mixed outcomes only', () => {
    expect(isFlaky([true, false, true])).toBe(true);
    expect(isFlaky([true, true])).toBe(false);
    expect(isFlaky([false, false])).toBe(false);
    expect(isFlaky([])).toBe(false);
  });

  it('summarises one case over its repeats', () => {
    const s = repeatStats([true, false, true]);
    expect(s).toMatchObject({ n: 3, passes: 2, k: 3, passAtK: 1, passHatK: 0, flaky: true });
    expect(s.passRate).toBeCloseTo(2 / 3, 12);
    const two = repeatStats([true, false, true, true], 2);
    expect(two.passAtK).toBeCloseTo(1 - 0 / 6, 12); // C(1,2)=0
    expect(two.passHatK).toBeCloseTo(3 / 6, 12); // C(3,2)/C(4,2)
  });

  it('leaves pass@k empty when a case has fewer outcomes than k', () => {
    const s = repeatStats([true], 3);
    expect(s.k).toBeNull();
    expect(s.passAtK).toBeNull();
    expect(s.passHatK).toBeNull();
  });
});
