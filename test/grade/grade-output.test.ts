import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { combinedScore, gradeOutput } from '../../src/grade/index.ts';
import { makeContext } from './make-context.ts';

const ctx = makeContext('The answer is 42.');

describe('gradeOutput: weights, thresholds, reasons', () => {
  it('without a threshold every assertion must pass', async () => {
    const r = await gradeOutput([{ type: 'contains', value: '42' }, { type: 'contains', value: '43' }], undefined, ctx);
    expect(r.passed).toBe(false);
    expect(r.score).toBe(0.5);
    expect(r.reasons).toHaveLength(1);
    expect(r.reasons[0]).toContain('"43"');
    const ok = await gradeOutput([{ type: 'contains', value: '42' }, { type: 'icontains', value: 'ANSWER' }], undefined, ctx);
    expect(ok).toMatchObject({ passed: true, score: 1, reasons: [] });
  });

  it('score is the weighted mean; a threshold decides pass', async () => {
    const specs = [
      { type: 'contains', value: '42', weight: 3 },
      { type: 'contains', value: 'nope', weight: 1 },
    ];
    const r = await gradeOutput(specs, 0.7, ctx);
    expect(r.score).toBeCloseTo(0.75, 12);
    expect(r.passed).toBe(true);
    expect(r.reasons).toHaveLength(1); // failed assertions are still reported
    expect((await gradeOutput(specs, 0.8, ctx)).passed).toBe(false);
    expect((await gradeOutput(specs, 0.75, ctx)).passed).toBe(true); // >= threshold
  });

  it('weight 0 assertions do not move the score', async () => {
    const r = await gradeOutput([{ type: 'contains', value: '42' }, { type: 'contains', value: 'nope', weight: 0 }], 0.5, ctx);
    expect(r.score).toBe(1);
    expect(r.results[1]).toMatchObject({ pass: false, weight: 0 });
  });

  it('results keep spec order, type as written and weight', async () => {
    const r = await gradeOutput([{ type: 'not-contains', value: 'x', weight: 2 }, { type: 'regex', value: '\\d+' }], undefined, ctx);
    expect(r.results.map((x) => [x.type, x.weight, x.pass])).toEqual([['not-contains', 2, true], ['regex', 1, true]]);
  });

  it('an unknown type reaching the grader is a failed assertion, not a crash', async () => {
    const r = await gradeOutput([{ type: 'containz', value: 'x' }], undefined, ctx);
    expect(r.passed).toBe(false);
    expect(r.reasons[0]).toContain('unknown assertion type');
  });

  it('a grader error under not- stays a failure', async () => {
    const r = await gradeOutput([{ type: 'not-regex', value: '(' }], undefined, ctx);
    expect(r.results[0]).toMatchObject({ pass: false, score: 0, errored: true });
    expect(r.reasons[0]).toContain('grader threw');
  });

  it('no assertions: passed with score 1 and no judge usage', async () => {
    const r = await gradeOutput([], undefined, ctx);
    expect(r).toEqual({ passed: true, score: 1, results: [], reasons: [] });
  });

  it('combinedScore stays within the scores given (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ score: fc.double({ min: 0, max: 1, noNaN: true }), weight: fc.integer({ min: 0, max: 10 }) }), { minLength: 1 }), (rs) => {
        const s = combinedScore(rs);
        const lo = Math.min(...rs.map((r) => r.score));
        const hi = Math.max(...rs.map((r) => r.score));
        return s >= lo - 1e-9 && s <= hi + 1e-9;
      }),
    );
  });
});
