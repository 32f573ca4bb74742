import { describe, expect, it } from 'vitest';
import { COMPACT_AFTER, TurnQueue } from '../../src/providers/turn-queue.ts';

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('TurnQueue', () => {
  it('runs items in order, one per event-loop turn', async () => {
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
    });
    let next = 0;
    for (let i = 0; i < 4; i++) q.push(next++);
    while (ran < total) await turn();
    expect(inOrder).toBe(true);
    expect(ran).toBe(total);
    // Due items grow to about half the total here; without compaction every run slot would stay too.
    expect(maxHeld).toBeLessThan(total / 2 + COMPACT_AFTER + 8);
    expect(maxHeld).toBeGreaterThan(COMPACT_AFTER); // the load was real
  });
});
