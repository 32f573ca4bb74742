import { describe, expect, it } from 'vitest';
import { RunningMoments } from '../../src/measure/running-moments.ts';
import { summarizeDistribution } from '../../src/measure/statistics.ts';

function of(values: number[]): RunningMoments {
  const m = new RunningMoments();
  for (const v of values) m.push(v);
  return m;
}

describe('RunningMoments', () => {
  const values = [1e9 + 3, 1e9 + 1, 1e9 + 7, 1e9 + 2, 1e9 + 11, 1e9 + 5];

  it('matches the two-pass mean and sample std, even with a large common offset', () => {
    const m = of(values);
    const ref = summarizeDistribution(values);
    expect(m.mean).toBeCloseTo(ref.mean!, 6);
    expect(m.std).toBeCloseTo(ref.std!, 6);
    expect([m.lo, m.hi]).toEqual([ref.min, ref.max]);
  });

  it('merging parts gives the moments of the whole', () => {
    const a = of(values.slice(0, 2));
    a.merge(of(values.slice(2)));
    a.merge(new RunningMoments());
    const whole = of(values);
    expect(a.n).toBe(6);
    expect(a.mean).toBeCloseTo(whole.mean, 6);
    expect(a.std).toBeCloseTo(whole.std!, 6);
    expect([a.lo, a.hi]).toEqual([whole.lo, whole.hi]);
  });

  it('std is null below two values, as summarizeDistribution says', () => {
    expect(of([]).std).toBeNull();
    expect(of([4]).std).toBeNull();
    expect(summarizeDistribution([4]).std).toBeNull();
  });
});
