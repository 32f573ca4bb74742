import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/run/worker-pool.ts';
import { LATER } from '../../src/run/job-backlog.ts';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('WorkerPool', () => {
  it('runs at most max jobs at once, and every job once', async () => {
    const jobs = Array.from({ length: 40 }, (_, i) => i);
    let now = 0;
    let peak = 0;
    const seen: number[] = [];
    const pool = new WorkerPool(5, () => jobs.shift(), async (j: number) => {
      now++;
      peak = Math.max(peak, now);
      await tick();
      seen.push(j);
      now--;
    });
    pool.demand();
    await pool.done();
    expect(peak).toBe(5);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('starts workers on demand: an unlimited pool over 3 jobs runs 3 at once, not more', async () => {
    const jobs = [1, 2, 3];
    let workers = 0; // each worker ends after the one take that finds nothing
    let peak = 0;
    let now = 0;
    const pool = new WorkerPool(Infinity, () => {
      const j = jobs.shift();
      if (j === undefined) workers++;
      return j;
    }, async () => {
      now++;
      peak = Math.max(peak, now);
      await tick();
      now--;
    });
    pool.demand();
    await pool.done();
    expect(peak).toBe(3);
    expect(workers).toBeLessThanOrEqual(4); // one per job, and the one started to look for a 4th
  });

  it('a sleeping worker wakes when work comes, and all end when the source is over', async () => {
    const queue: number[] = [];
    let closed = false;
    const done: number[] = [];
    const pool = new WorkerPool(2, () => queue.shift() ?? (closed ? undefined : LATER), async (j: number) => {
      await tick();
      done.push(j);
    });
    pool.demand(); // nothing yet: the worker sleeps
    await tick(5);
    queue.push(1, 2, 3);
    pool.demand();
    await tick(20);
    expect(done.sort()).toEqual([1, 2, 3]);
    closed = true;
    pool.wakeAll();
    await pool.done();
  });

  it('a job that throws is recorded; the other jobs still run', async () => {
    const jobs = [1, 2, 3, 4];
    const ran: number[] = [];
    const pool = new WorkerPool(1, () => jobs.shift(), async (j: number) => {
      if (j === 2) throw new Error('boom');
      ran.push(j);
    });
    pool.demand();
    await pool.done();
    expect(ran).toEqual([1, 3, 4]);
    expect(pool.failures).toHaveLength(1);
  });

  it('a burst of jobs (one open-loop batch) starts a worker per job at once, not one after another', async () => {
    const queue: number[] = [];
    let started = 0;
    let takes = 0;
    const pool = new WorkerPool(Infinity, () => {
      takes++;
      return queue.shift() ?? LATER;
    }, async () => {
      started++;
      await new Promise(() => {}); // in flight for the rest of the test
    });
    for (let i = 0; i < 50; i++) {
      queue.push(i);
      pool.demand();
    }
    expect(started).toBe(0); // nothing runs inside the caller's turn
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toBe(50); // chained starts would have reached 1 or 2 by now
    await new Promise((r) => setImmediate(r));
    expect(takes).toBeLessThanOrEqual(51); // one spare worker looked for more, and sleeps
  });
});
