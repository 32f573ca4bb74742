import { describe, expect, it } from 'vitest';
import { startSelfCheck } from '../../src/measure/self-check.ts';
import { SKETCH_RELATIVE_ERROR } from '../../src/measure/sample-sketch.ts';

const block = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('self-check', () => {
  it('reports event-loop delay and warns when the loop is blocked', async () => {
    const check = startSelfCheck();
    for (let i = 0; i < 6; i++) {
      await pause(12);
      block(60);
    }
    await pause(15);
    const report = check.stop();
    expect(report.event_loop_delay_ms.samples).toBeGreaterThan(3);
    expect(report.event_loop_delay_ms.max!).toBeGreaterThanOrEqual(40);
    expect(report.warning).toMatch(/client may be the bottleneck.*event-loop delay p99/);
    expect(report.schedule_lag_ms).toBeNull();
    expect(check.stop()).toBe(report); // idempotent
  });

  it('summarises schedule lag and offered rate from releases, leaving warm-up out', () => {
    const check = startSelfCheck({ targetRate: 100, eventLoopWarnMs: 1e9 });
    check.observeRelease(0, 500, true); // warm-up: ignored
    for (let i = 0; i < 101; i++) check.observeRelease(i * 10, i * 10 + (i % 10 === 0 ? 8 : 0.2));
    const r = check.stop();
    expect(r.schedule_lag_ms).toMatchObject({ count: 101, p50: 0.2, max: 8 });
    expect(r.offered_rate_per_s!).toBeCloseTo(100, 0);
    expect(r.target_rate_per_s).toBe(100);
    expect(r.warning).toMatch(/released 8 ms late at p99/);
  });

  it('summarises the lags of a long open-loop run past the exact cap, within the sketch error', () => {
    const check = startSelfCheck({ targetRate: 1000, eventLoopWarnMs: 1e9 });
    // 50,000 releases 1 ms apart: lags of 0.2 ms, every 100th 6 ms late (so p99 sits on the edge, p50 well inside).
    const n = 50_000;
    for (let i = 0; i < n; i++) check.observeRelease(i, i + (i % 100 === 0 ? 6 : 0.2 + (i % 7) * 0.1));
    const lag = check.stop().schedule_lag_ms!;
    expect(lag.count).toBe(n);
    expect(lag.max).toBe(6);
    // Exact p50 of the lags: 0.2 + 0.3 (the middle of the 0..6 tenths cycle).
    expect(Math.abs(lag.p50! - 0.5)).toBeLessThanOrEqual(0.5 * SKETCH_RELATIVE_ERROR + 0.001);
  });

  it('warns when the offered rate falls short of the target, and stays quiet when all is well', () => {
    const slow = startSelfCheck({ targetRate: 200, eventLoopWarnMs: 1e9 });
    for (let i = 0; i < 50; i++) slow.observeRelease(i * 5, i * 6); // falls behind
    expect(slow.stop().warning).toMatch(/offered .* of the 200 req\/s/);
    const fine = startSelfCheck({ targetRate: 200, eventLoopWarnMs: 1e9 });
    for (let i = 0; i < 50; i++) fine.observeRelease(i * 5, i * 5 + 0.1);
    expect(fine.stop().warning).toBeUndefined();
  });
});
