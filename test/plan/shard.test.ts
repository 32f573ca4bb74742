import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.ts';
import { jobId } from '../../src/plan/job-id.ts';
import { parseShard, shardJobs } from '../../src/plan/shard.ts';

/** Jobs as the planner makes them: 7 cases x 3 models x 2 efforts x 2 repeats = 84. */
function planLike(): { id: string; caseId: string; model: string }[] {
  const jobs = [];
  for (let c = 1; c <= 7; c++) {
    for (const model of ['sim:fast', 'sim:slow', 'sim:reasoner']) {
      for (const effort of ['low', 'high'] as const) {
        for (let r = 1; r <= 2; r++) jobs.push({ id: jobId('s', `case-${c}`, model, effort, r), caseId: `case-${c}`, model });
      }
    }
  }
  return jobs;
}

describe('parseShard', () => {
  it('reads 1-based i/n', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard('4/4')).toEqual({ index: 4, count: 4 });
    expect(parseShard(' 3 / 10 ')).toEqual({ index: 3, count: 10 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
  });

  it.each(['0/4', '5/4', '1/0', '0/0', '1.5/4', '2', '', '-1/3', '1/-3', 'a/b', '1/4/2', '1/4x', '99999999999999999999/1'])(
    'rejects %j with InputError BAD_SHARD',
    (text) => {
      try {
        parseShard(text);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).code).toBe('BAD_SHARD');
        expect((err as InputError).exitCode).toBe(2);
        expect((err as Error).message).toContain(JSON.stringify(text).slice(1, -1));
      }
    },
  );
});

describe('shardJobs', () => {
  it('splits 84 jobs 4 ways into disjoint slices of 21 that cover every job', () => {
    const jobs = planLike();
    const parts = [1, 2, 3, 4].map((i) => shardJobs(jobs, i, 4));
    expect(parts.map((p) => p.length)).toEqual([21, 21, 21, 21]);
    const ids = parts.flat().map((j) => j.id);
    expect(new Set(ids).size).toBe(84);
    expect(new Set(ids)).toEqual(new Set(jobs.map((j) => j.id)));
  });

  it('keeps plan order inside a shard and does not depend on the input order', () => {
    const jobs = planLike();
    const reversed = [...jobs].reverse();
    for (let i = 1; i <= 5; i++) {
      const a = shardJobs(jobs, i, 5);
      const b = shardJobs(reversed, i, 5);
      expect(new Set(a.map((j) => j.id))).toEqual(new Set(b.map((j) => j.id)));
      // Same relative order as the input.
      const pos = new Map(jobs.map((j, k) => [j.id, k]));
      const order = a.map((j) => pos.get(j.id)!);
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });

  it('mixes models across shards (hash order, not plan order)', () => {
    const jobs = planLike();
    for (let i = 1; i <= 3; i++) {
      const models = new Set(shardJobs(jobs, i, 3).map((j) => j.model));
      expect(models.size).toBe(3);
    }
  });

  it('is balanced within one job and a partition for any job count and shard count', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (ids, n) => {
        const jobs = ids.map((id) => ({ id }));
        const parts = Array.from({ length: n }, (_, k) => shardJobs(jobs, k + 1, n));
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(ids.length);
        expect(new Set(parts.flat().map((j) => j.id))).toEqual(new Set(ids));
      }),
      { numRuns: 200 },
    );
  });

  it('gives every job to shard 1 of 1, and empty shards when there are more shards than jobs', () => {
    const jobs = planLike().slice(0, 3);
    expect(shardJobs(jobs, 1, 1)).toEqual(jobs);
    const parts = [1, 2, 3, 4, 5].map((i) => shardJobs(jobs, i, 5).length);
    expect(parts.sort()).toEqual([0, 0, 1, 1, 1]);
  });

  it('rejects a bad index or count', () => {
    expect(() => shardJobs([], 0, 4)).toThrow(InputError);
    expect(() => shardJobs([], 5, 4)).toThrow(/bad shard 5\/4/);
    expect(() => shardJobs([], 1, 0)).toThrow(InputError);
  });
});
