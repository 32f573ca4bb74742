import { describe, expect, it } from 'vitest';
import { JobBacklog, LATER, type DueJob, type TakenJob } from '../../src/run/job-backlog.ts';
import { FixedSlots, type ProviderSlots } from '../../src/run/provider-slots.ts';
import type { Job } from '../../src/plan/types.ts';

function due(id: string, provider: string, at = 0): DueJob {
  const job = { id, provider } as Job;
  return { s: { job, pass: 1, warmup: false }, scheduledAt: at };
}

/** A closed-loop backlog over `plan`, pulled in order. */
function pulling(plan: DueJob[], slots: Map<string, ProviderSlots>, extra: { maxWaiting?: number; over?: () => boolean; unsent?: () => boolean } = {}) {
  let i = 0;
  let pulled = 0;
  const backlog = new JobBacklog({
    slots, maxWaiting: extra.maxWaiting ?? 64, over: extra.over, unsent: extra.unsent ?? (() => false),
    pull: () => {
      if (i >= plan.length) return undefined;
      pulled += 1;
      return plan[i++];
    },
  });
  return { backlog, pulled: () => pulled };
}

const id = (t: TakenJob | undefined | typeof LATER) => (t === LATER ? 'LATER' : t === undefined ? 'END' : t.s.job.id);

describe('JobBacklog', () => {
  it('a provider at its cap does not hold up the others; its jobs then run in plan order', () => {
    const b = new FixedSlots(1);
    const { backlog } = pulling([due('b0', 'b'), due('b1', 'b'), due('b2', 'b'), due('a0', 'a'), due('a1', 'a')], new Map([['b', b]]));
    const first = backlog.next() as TakenJob;
    expect(first.s.job.id).toBe('b0');
    expect(first.slots).toBe(b);
    expect([id(backlog.next()), id(backlog.next())]).toEqual(['a0', 'a1']); // b1, b2 wait, a goes on
    expect(id(backlog.next())).toBe('LATER'); // only b's waiting jobs are left
    b.release();
    expect(id(backlog.next())).toBe('b1');
    expect(id(backlog.next())).toBe('LATER');
    b.release();
    expect(id(backlog.next())).toBe('b2');
    b.release();
    expect(id(backlog.next())).toBe('END');
  });

  it('holds back at most maxWaiting jobs: the plan is not read ahead without bound', () => {
    const plan = Array.from({ length: 100 }, (_, i) => due(`b${i}`, 'b'));
    const { backlog, pulled } = pulling(plan, new Map([['b', new FixedSlots(1)]]), { maxWaiting: 3 });
    expect(id(backlog.next())).toBe('b0');
    expect(id(backlog.next())).toBe('LATER');
    expect(pulled()).toBe(4);
  });

  it('once the stop predicate holds, jobs held back are dropped and nothing more is handed out', () => {
    let over = false;
    const b = new FixedSlots(1);
    const { backlog, pulled } = pulling([due('b0', 'b'), due('b1', 'b'), due('a0', 'a'), due('a1', 'a')], new Map([['b', b]]), { over: () => over });
    expect(id(backlog.next())).toBe('b0');
    expect(id(backlog.next())).toBe('a0');
    over = true;
    b.release();
    expect(id(backlog.next())).toBe('END');
    expect(pulled()).toBe(3);
  });

  it('once nothing is sent, waiting jobs need no slot (they only get their skipped rows)', () => {
    let unsent = false;
    const b = new FixedSlots(1);
    const { backlog } = pulling([due('b0', 'b'), due('b1', 'b'), due('b2', 'b')], new Map([['b', b]]), { unsent: () => unsent });
    expect(id(backlog.next())).toBe('b0');
    expect(id(backlog.next())).toBe('LATER');
    unsent = true;
    const t = backlog.next() as TakenJob;
    expect(t.s.job.id).toBe('b1');
    expect(t.slots).toBeUndefined();
    expect(id(backlog.next())).toBe('b2');
    expect(id(backlog.next())).toBe('END');
  });

  it('open loop: pushed jobs wait for a worker until the backlog is closed and empty', () => {
    const backlog = new JobBacklog({ slots: new Map(), maxWaiting: Infinity, unsent: () => false });
    expect(id(backlog.next())).toBe('LATER');
    backlog.push(due('x0', 'a', 5));
    backlog.push(due('x1', 'a', 6));
    const t = backlog.next() as TakenJob;
    expect([t.s.job.id, t.scheduledAt]).toEqual(['x0', 5]);
    backlog.close();
    expect(id(backlog.next())).toBe('x1');
    expect(id(backlog.next())).toBe('END');
  });
});
