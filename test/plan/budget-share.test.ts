import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetShare } from '../../src/plan/budget-share.ts';
import { shardJobs } from '../../src/plan/shard.ts';

describe('budgetShare', () => {
  it('gives each shard the whole-run budget times its share of the planned jobs', () => {
    expect(budgetShare(3, { index: 1, count: 3 }, { inShard: 34, inRun: 100 })).toBeCloseTo(1.02, 12);
    expect(budgetShare(3, { index: 2, count: 3 }, { inShard: 33, inRun: 100 })).toBeCloseTo(0.99, 12);
    expect(budgetShare(10, { index: 1, count: 1 }, { inShard: 7, inRun: 7 })).toBe(10);
    // An empty plan: an even split.
    expect(budgetShare(9, { index: 1, count: 3 }, { inShard: 0, inRun: 0 })).toBe(3);
  });

  it('integer budgets round down', () => {
    expect(budgetShare(100, { index: 1, count: 3 }, { inShard: 1, inRun: 3 }, { integer: true })).toBe(33);
  });

  it('the shares of all shards never add up to more than the total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1e14 }).map((u) => u / 1e10), fc.integer({ min: 0, max: 1e6 }), (jobs, n, usd, tokens) => {
        const ids = Array.from({ length: jobs }, (_, i) => ({ id: `j${i}` }));
        // Money is enforced in the budget guard's units (1e-10 USD, budget rounded down).
        const units = (usd: number) => Math.floor(usd * 1e10 + 1e-6);
        let sumUsd = 0;
        let sumTokens = 0;
        for (let i = 1; i <= n; i++) {
          const planned = { inShard: shardJobs(ids, i, n).length, inRun: jobs };
          sumUsd += units(budgetShare(usd, { index: i, count: n }, planned));
          sumTokens += budgetShare(tokens, { index: i, count: n }, planned, { integer: true });
        }
        expect(sumUsd).toBeLessThanOrEqual(units(usd));
        expect(sumTokens).toBeLessThanOrEqual(tokens);
        expect(sumTokens).toBeGreaterThanOrEqual(tokens - n);
      }),
      { numRuns: 200 },
    );
  });
});
