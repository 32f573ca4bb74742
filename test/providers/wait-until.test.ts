import { describe, expect, it } from 'vitest';
import { waitUntil } from '../../src/providers/wait-until.ts';
import { pct, plainTimeoutLate } from '../helpers/timer-lateness.ts';

describe('waitUntil', () => {
  it('never resolves early, and usually well under a millisecond late', async () => {
    const late: number[] = [];
    const reference: number[] = [];
    for (let i = 0; i < 40; i++) {
      const target = performance.now() + 3 + (i % 7) * 0.37; // fractional targets
      await waitUntil(target);
      late.push(performance.now() - target);
      reference.push(await plainTimeoutLate(performance.now() + 3 + (i % 7) * 0.37));
    }
    expect(Math.min(...late)).toBeGreaterThanOrEqual(0);
    // Under a millisecond on an idle machine; on a busy one, no later than plain setTimeout
    // measured in the same rounds (the spin can only remove lateness, never add a timer's worth).
    expect(pct(late, 50)).toBeLessThan(Math.max(1, pct(reference, 50) + 0.5));
  });

  it('keeps I/O and other callbacks running while it spins', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await waitUntil(performance.now() + 100);
    clearInterval(timer);
    // A blocking spin would let no timer fire at all; on a busy machine a few still do.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('resolves at once when aborted', async () => {
    const ctl = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ctl.abort(), 10);
    await waitUntil(t0 + 5000, undefined, ctl.signal);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
