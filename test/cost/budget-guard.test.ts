import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BudgetGuard, jobWorstCaseCost, loadPriceTable, pricingFromMap, worstCaseCost, DEFAULT_MAX_COMPLETION_TOKENS,
} from '../../src/cost/index.ts';
import { countChars, makeJob } from './make-job.ts';

describe('BudgetGuard basics', () => {
  it('dispatches while spent + reserved + next fits, exactly at the limit included', () => {
    const g = new BudgetGuard(1);
    expect(g.tryReserve('a', 0.4)).toBe(true);
    expect(g.tryReserve('b', 0.6)).toBe(true); // 0.4 + 0.6 = 1: fits
    expect(g.canDispatch(0.000001)).toBe(false);
    expect(g.reserved).toBeCloseTo(1, 12);
    g.settle('a', 0.1); // the worst case was not reached: room comes back
    expect(g.spent).toBeCloseTo(0.1, 12);
    expect(g.reserved).toBeCloseTo(0.6, 12);
    expect(g.canDispatch(0.3)).toBe(true);
    expect(g.canDispatch(0.31)).toBe(false);
    expect(g.remaining).toBeCloseTo(0.3, 12);
  });

  it('waits while requests in flight hold the room, stops (and stays stopped) when it can never fit', () => {
    const g = new BudgetGuard(1);
    g.reserve('a', 0.7);
    expect(g.decide(0.5)).toBe('wait'); // would fit if `a` turns out cheap
    g.settle('a', 0.6);
    expect(g.decide(0.5)).toBe('stop'); // 0.6 + 0.5 > 1 and spend only grows
    expect(g.stopped).toBe(true);
    expect(g.decide(0.01)).toBe('stop'); // latched: a cheaper later job is not run either
    expect(g.canDispatch(0)).toBe(false);
  });

  it('an unknown actual cost counts as its worst case; release drops a reservation for free', () => {
    const g = new BudgetGuard(10);
    g.reserve('a', 2);
    g.settle('a', null);
    expect(g.spent).toBe(2);
    g.reserve('b', 3);
    g.release('b');
    expect(g.reserved).toBe(0);
    expect(g.spent).toBe(2);
  });

  it('refuses a bad budget and misuse of job ids', () => {
    expect(() => new BudgetGuard(-1)).toThrow(/non-negative/);
    expect(() => new BudgetGuard(Number.NaN)).toThrow(expect.objectContaining({ code: 'BAD_MAX_COST', exitCode: 2 }));
    const g = new BudgetGuard(1);
    g.reserve('a', 0.1);
    expect(() => g.reserve('a', 0.1)).toThrow(/already reserved/);
    expect(() => g.settle('zzz', 0)).toThrow(/not reserved/);
  });

  it('an actual cost above its worst case (server overshot the cap) shows in withinBudget and stops dispatch', () => {
    const g = new BudgetGuard(1);
    g.reserve('a', 0.5);
    g.settle('a', 1.5);
    expect(g.withinBudget).toBe(false);
    expect(g.decide(0)).toBe('stop');
  });

  it('a zero budget runs only free (unpriced) jobs', () => {
    const g = new BudgetGuard(0);
    expect(g.decide(0)).toBe('dispatch');
    expect(g.decide(1e-9)).toBe('stop');
  });
});

describe('BudgetGuard never lets spent + in-flight worst cases exceed the budget', () => {
  it('holds for random budgets, costs, concurrency and completion order', () => {
    // fc.double spreads over exponents (mostly ~1e-200): build USD amounts from integers instead,
    // over an odd divisor so they are not round binary fractions.
    const usd = (max: number) => fc.integer({ min: 0, max: max * 1_000_003 }).map((n) => n / 1_000_003);
    const job = fc.record({
      worst: usd(2),
      // actual as a fraction of the worst case; null = unknown cost
      actualFrac: fc.option(fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000), { nil: null }),
    });
    fc.assert(
      fc.property(
        usd(10),
        fc.array(job, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        (budget, jobs, concurrency, picks) => {
          const g = new BudgetGuard(budget);
          const inFlight: { id: string; worst: number; actual: number | null }[] = [];
          let settled = 0;
          const check = () => {
            expect(g.withinBudget).toBe(true); // exact, in integer units
            expect(g.spent + g.reserved).toBeLessThanOrEqual(budget * (1 + 1e-12));
          };
          const finishOne = () => {
            const k = picks[settled % picks.length] % inFlight.length;
            const [j] = inFlight.splice(k, 1);
            g.settle(j.id, j.actual);
            settled++;
            check();
          };
          let next = 0;
          let ran = 0;
          let skipped = 0;
          while (next < jobs.length) {
            const { worst, actualFrac } = jobs[next];
            const d = g.decide(worst);
            if (d === 'dispatch') {
              g.reserve(`j${next}`, worst);
              check();
              inFlight.push({ id: `j${next}`, worst, actual: actualFrac === null ? null : worst * actualFrac });
              ran++;
              next++;
              if (inFlight.length >= concurrency) finishOne();
            } else if (d === 'wait') {
              expect(inFlight.length).toBeGreaterThan(0);
              finishOne();
            } else {
              skipped = jobs.length - next; // every job not run gets a skipped row
              break;
            }
          }
          while (inFlight.length > 0) finishOne();
          expect(ran + skipped).toBe(jobs.length);
          expect(g.withinBudget).toBe(true);
          expect(g.spent).toBeLessThanOrEqual(budget * (1 + 1e-12));
          expect(g.reserved).toBe(0);
          // the guard only stopped when the next job truly could not fit
          if (skipped > 0) expect(g.spent + jobs[jobs.length - skipped].worst).toBeGreaterThan(budget * (1 - 1e-9) - 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('worst case of a job', () => {
  it('is prompt x input + max_completion_tokens x output, all uncached', () => {
    // 1000 x 2.50 + 500 x 10 = 7500 per 1M
    expect(worstCaseCost({ input: 2.5, cachedInput: 1.25, output: 10 }, 1000, 500)).toBeCloseTo(0.0075, 12);
    // a dearer reasoning rate bounds the cap: 1000 x 2.5 + 500 x 20
    expect(worstCaseCost({ input: 2.5, cachedInput: 1.25, output: 10, reasoning: 20 }, 1000, 500)).toBeCloseTo(0.0125, 12);
    expect(worstCaseCost(undefined, 1000, 500)).toBe(0);
  });

  it('for a planned job: tokenizer count, the job cap or the documented default, 0 when unpriced', () => {
    const table = pricingFromMap({ 'sim:*': { input: 2, output: 8 } }, 't.yaml');
    // 10 chars x 2 + 100 x 8 = 820 per 1M
    expect(jobWorstCaseCost(makeJob('a', 'sim:fast', null, 'abcdefghij', 100), table, { countPromptTokens: countChars })).toBeCloseTo(0.00082, 12);
    expect(jobWorstCaseCost(makeJob('a', 'sim:fast', null, 'abcdefghij'), table, { countPromptTokens: countChars }))
      .toBeCloseTo((10 * 2 + DEFAULT_MAX_COMPLETION_TOKENS * 8) / 1e6, 12);
    expect(jobWorstCaseCost(makeJob('a', 'vivgrid:managed', null, 'abcdefghij', 100), loadPriceTable())).toBe(0);
  });
});
