import { describe, expect, it } from 'vitest';
import { COMPACT_AFTER, TurnQueue } from '../../src/providers/turn-queue.ts';

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('TurnQueue', () => {
  it('runs items in order, one per event-loop turn while few wait', async () => {
    const ran: number[] = [];
    const q = new TurnQueue<number>((x) => ran.push(x));
    q.push(1);
    q.push(2);
    q.push(3);
    expect(ran).toEqual([]); // nothing runs synchronously
    await turn();
    expect(ran).toEqual([1]);
    await turn();
    expect(ran).toEqual([1, 2]);
    await turn();
    await turn();
    expect(ran).toEqual([1, 2, 3]);
    expect(q.slotsHeld).toBe(0);
  });

  it('under steady load (never empty) it holds a bounded number of slots, not every item it ever ran', async () => {
    const total = COMPACT_AFTER * 8;
    let ran = 0;
    let maxHeld = 0;
    let expected = 0;
    let inOrder = true;
    const q = new TurnQueue<number>((x) => {
      inOrder &&= x === expected++;
      ran++;
      maxHeld = Math.max(maxHeld, q.slotsHeld);
      // Each run queues two more until the total is reached: the queue never runs empty.
      if (next < total) q.push(next++);
      if (next < total) q.push(next++);
    }, 1);
    let next = 0;
    for (let i = 0; i < 4; i++) q.push(next++);
    while (ran < total) await turn();
    expect(inOrder).toBe(true);
    expect(ran).toBe(total);
    // Due items grow to about half the total here; without compaction every run slot would stay too.
    expect(maxHeld).toBeLessThan(total / 2 + COMPACT_AFTER + 8);
    expect(maxHeld).toBeGreaterThan(COMPACT_AFTER); // the load was real
  });

  it('a backlog drains faster: one item per 64 waiting each turn, up to the cap, within the time budget', async () => {
    const ran: number[] = [];
    const q = new TurnQueue<number>((x) => ran.push(x), 16, 1_000);
    for (let i = 0; i < 300; i++) q.push(i);
    await turn();
    expect(ran).toHaveLength(5); // ceil(300 / 64)
    await turn();
    expect(ran).toHaveLength(10); // ceil(295 / 64)
    while (ran.length < 300) await turn();
    expect(ran).toEqual(Array.from({ length: 300 }, (_, i) => i));

    // 640 waiting would allow 10, a cap of 2 allows two.
    const capped: number[] = [];
    const c = new TurnQueue<number>((x) => capped.push(x), 2, 1_000);
    for (let i = 0; i < 640; i++) c.push(i);
    await turn();
    expect(capped).toEqual([0, 1]);

    // Each item "takes" 0.2 ms of a fake clock: a 0.5 ms budget stops after three (0, 0.2, 0.4 < 0.5).
    let clock = 0;
    const timed: number[] = [];
    const t = new TurnQueue<number>((x) => {
      timed.push(x);
      clock += 0.2;
    }, 16, 0.5, () => clock);
    for (let i = 0; i < 1024; i++) t.push(i);
    await turn();
    expect(timed).toEqual([0, 1, 2]);
  });

  it('an item pushed by a run is run (in this turn or the next) and never twice; the queue idles after', async () => {
    const ran: number[] = [];
    const q = new TurnQueue<number>((x) => {
      ran.push(x);
      if (x < 5) q.push(x + 1);
    });
    q.push(0);
    for (let i = 0; i < 10; i++) await turn();
    expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
    q.push(9);
    await turn();
    await turn();
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 9]);
  });
});
