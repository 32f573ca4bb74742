import { describe, expect, it } from 'vitest';
import { EXIT, InputError } from '../../src/errors/index.ts';
import { checkShardSet, clockSpread, MergeIncompleteError, wholeRunCostBudget } from '../../src/report/shard-set.ts';
import type { RunRecord } from '../../src/report/run-record.ts';

const rec = (index: number, count = 3, over: Partial<RunRecord> = {}): RunRecord => ({
  record_version: 1, suite: 's', evalbench_version: '0.1.0', plan_fingerprint: 'sha256:aaa', shard: { index, count },
  jobs: { planned: 30, in_shard: 10 }, budgets: {}, start_at: null, clock: null, ...over,
});
const dirs = (...rs: (RunRecord | null)[]) => rs.map((record, i) => ({ dir: `d${i + 1}`, record }));

describe('checkShardSet', () => {
  it('accepts a complete set in any order', () => {
    expect(checkShardSet(dirs(rec(3), rec(1), rec(2)))).toEqual({ plan_fingerprint: 'sha256:aaa', merged: 3, of: 3, missing: [], duplicated: [] });
  });

  it('refuses different fingerprints or shard counts with exit 2, naming the folders', () => {
    for (const bad of [rec(3, 3, { plan_fingerprint: 'sha256:bbb' }), rec(2, 2)]) {
      try {
        checkShardSet(dirs(rec(1), rec(2), bad));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        expect((e as InputError).code).toBe('MERGE_PLAN_MISMATCH');
        expect((e as Error).message).toMatch(/`d1`, `d2` .* vs `d3`/);
      }
    }
    expect(() => checkShardSet(dirs(rec(1), null))).toThrow(/`d2` has no run.json/);
    expect(checkShardSet(dirs(null, null))).toBeNull();
  });

  it('names missing and duplicated shards: exit 1 unless allowPartial', () => {
    // A plan mismatch is reported before completeness.
    expect(() => checkShardSet(dirs(rec(1), rec(1), rec(4, 5)))).toThrow(/not shards of one plan/);
    try {
      checkShardSet(dirs(rec(1, 4), rec(1, 4), rec(3, 4)));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MergeIncompleteError);
      expect((e as MergeIncompleteError).exitCode).toBe(EXIT.gateFailed);
      expect((e as Error).message).toContain('2 of 4 shards; missing shard 2/4, shard 4/4 (and shard 1/4 given twice)');
    }
    expect(checkShardSet(dirs(rec(1, 4), rec(1, 4), rec(3, 4)), { allowPartial: true }))
      .toMatchObject({ merged: 2, of: 4, missing: [2, 4], duplicated: [1] });
  });
});

describe('clockSpread and wholeRunCostBudget', () => {
  const clock = (offset_ms: number, uncertainty_ms: number) => ({ offset_ms, uncertainty_ms, rtt_ms: 1, url: 'u' });
  it('spread of offsets plus the two largest uncertainties; unknown when a shard was not measured', () => {
    expect(clockSpread([rec(1, 3, { clock: clock(10, 40) }), rec(2, 3, { clock: clock(-30, 100) }), rec(3, 3, { clock: clock(0, 60) })]))
      .toEqual({ measured: 3, offset_spread_ms: 40, uncertainty_ms: 200 });
    expect(clockSpread([rec(1, 3, { clock: clock(10, 40) }), rec(2)])).toEqual({ measured: 1, offset_spread_ms: 0, uncertainty_ms: null });
    expect(clockSpread([rec(1), rec(2)])).toBeNull();
  });

  it('the whole-run budget is the total every shard carries', () => {
    const b = { budgets: { max_cost_usd: { total: 3, share: 1 } } };
    expect(wholeRunCostBudget([rec(1, 3, b), rec(2, 3, b), null])).toBe(3);
    expect(wholeRunCostBudget([rec(1)])).toBeNull();
  });
});
