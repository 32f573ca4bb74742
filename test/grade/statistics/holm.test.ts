import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../../src/grade/statistics/index.ts';

describe('holmAdjust', () => {
  it('matches R p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02', () => {
    // By hand: sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04;
    // running maximum -> 0.02, 0.03, 0.06, 0.06; back in input order.
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((p, i) => expect(adj[i]).toBeCloseTo(p, 12));
  });

  it('caps at 1 and skips NaN', () => {
    const adj = holmAdjust([0.5, NaN, 0.6]);
    expect(adj[0]).toBe(1);
    expect(adj[1]).toBeNaN();
    expect(adj[2]).toBe(1);
    expect(holmAdjust([0.02])).toEqual([0.02]);
  });
});
