import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter, parseResetMs } from '../../src/run/adaptive-concurrency.ts';
import type { AttemptResult } from '../../src/providers/types.ts';

function attempt(over: Partial<AttemptResult> & { send?: number } = {}): AttemptResult {
  const { send = performance.now(), ...rest } = over;
  return {
    ok: true, httpStatus: 200, errorType: null, errorMessage: null, retryAfterMs: null,
    marks: { send, hdr: null, firstTok: null, firstAnswer: null, lastTok: null, end: send, tokenTimes: [] },
    content: '', reasoning: '', toolCalls: [], usage: null, finishReason: 'stop', rateLimitHeaders: {}, ...rest,
  };
}
const limited = (over: Partial<AttemptResult> & { send?: number } = {}) =>
  attempt({ ok: false, httpStatus: 429, errorType: 'rate_limited', ...over });

/** Holds `n` slots open until released, so the limiter sees requests at its limit. */
async function hold(l: AdaptiveLimiter, n: number) {
  const releases: (() => void)[] = [];
  const started: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    started.push(new Promise<void>((up) => {
      void l.run(() => new Promise<void>((done) => {
        releases.push(done);
        up();
      }));
    }));
  }
  return { releaseAll: () => releases.splice(0).forEach((f) => f()), started };
}

describe('parseResetMs', () => {
  it('reads OpenAI durations, seconds and epoch seconds', () => {
    expect(parseResetMs('1s')).toBe(1000);
    expect(parseResetMs('6m0s')).toBe(360_000);
    expect(parseResetMs('20ms')).toBe(20);
    expect(parseResetMs('1h2m3.5s')).toBe(3_723_500);
    expect(parseResetMs('0.5')).toBe(500);
    expect(parseResetMs(String(2_000_000_010), 2_000_000_000_000)).toBe(10_000);
    expect(parseResetMs('soon')).toBeUndefined();
    expect(parseResetMs('1s junk')).toBeUndefined();
  });
});

describe('AdaptiveLimiter', () => {
  it('halves on 429 down to 1, once per round trip, and records each change', () => {
    const l = new AdaptiveLimiter({ provider: 'p', max: 16 });
    const t0 = performance.now();
    l.observe(limited({ send: t0 }));
    expect(l.limit).toBe(8);
    // Another 429 of a request sent before the cut is the same congestion: no second cut.
    l.observe(limited({ send: t0 }));
    expect(l.limit).toBe(8);
    for (const want of [4, 2, 1, 1]) {
      l.observe(limited({ send: performance.now() + 1 }));
      expect(l.limit).toBe(want);
    }
    const tl = l.timeline();
    expect(tl[0]).toMatchObject({ provider: 'p', reason: 'start', limit: 16 });
    expect(tl.filter((c) => c.reason === 'rate_limited').map((c) => c.limit)).toEqual([8, 4, 2, 1, 1]);
    expect(tl.every((c, i) => i === 0 || c.t_ms >= tl[i - 1].t_ms)).toBe(true);
  });

  it('adds one back after 10 successes at the limit, never above the maximum', async () => {
    const l = new AdaptiveLimiter({ provider: 'p', max: 3 });
    l.observe(limited({ send: performance.now() + 1 }));
    expect(l.limit).toBe(1);
    const h = await hold(l, 1);
    await Promise.all(h.started);
    for (let i = 0; i < 9; i++) l.observe(attempt());
    expect(l.limit).toBe(1);
    l.observe(attempt());
    expect(l.limit).toBe(2);
    h.releaseAll();
    // Successes below the limit say nothing: no growth.
    await new Promise((r) => setTimeout(r, 0));
    for (let i = 0; i < 30; i++) l.observe(attempt());
    expect(l.limit).toBe(2);
    const h2 = await hold(l, 2);
    await Promise.all(h2.started);
    for (let i = 0; i < 40; i++) l.observe(attempt());
    expect(l.limit).toBe(3);
    h2.releaseAll();
  });

  it('an unlimited limiter is pinned to half the requests in flight on the first 429', async () => {
    const l = new AdaptiveLimiter({ provider: 'p', max: Infinity });
    expect(l.timeline()[0].limit).toBeNull();
    const h = await hold(l, 10);
    await Promise.all(h.started);
    l.observe(limited({ send: performance.now() + 1 }));
    expect(l.limit).toBe(5);
    h.releaseAll();
  });

  it('never runs more than the current limit at once', async () => {
    const l = new AdaptiveLimiter({ provider: 'p', max: 8 });
    l.observe(limited({ send: performance.now() + 1 }));
    l.observe(limited({ send: performance.now() + 2 }));
    expect(l.limit).toBe(2);
    let now = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 12 }, () => l.run(async () => {
      now++;
      peak = Math.max(peak, now);
      await new Promise((r) => setTimeout(r, 2));
      now--;
    })));
    expect(peak).toBe(2);
  });

  it('pauses new requests while x-ratelimit-remaining-requests is 0, until the reset', async () => {
    const l = new AdaptiveLimiter({ provider: 'p', max: 4 });
    const t0 = performance.now();
    l.observe(attempt({ rateLimitHeaders: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '120ms' } }));
    expect(l.limit).toBe(4); // a pause, not a cut
    let startedAt = 0;
    await l.run(async () => {
      startedAt = performance.now();
    });
    expect(startedAt - t0).toBeGreaterThanOrEqual(115);
    await l.ready();
    expect(l.timeline().at(-1)).toMatchObject({ reason: 'paused', pause_ms: 120 });
  });

  it('honours retry-after-ms on a 429 before any new request (and before a retry)', async () => {
    const l = new AdaptiveLimiter({ provider: 'p', max: 4 });
    const t0 = performance.now();
    l.observe(limited({ send: t0, retryAfterMs: 80 }));
    await l.ready();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
  });

  it('as the engine uses it: tryAcquire within the limit, and the end of a pause wakes the jobs waiting outside', async () => {
    let woken = 0;
    let wokenAt = 0;
    const l = new AdaptiveLimiter({ provider: 'p', max: 2, onCapacity: () => (woken++, (wokenAt = performance.now())) });
    expect([l.tryAcquire(), l.tryAcquire(), l.tryAcquire()]).toEqual([true, true, false]);
    l.release();
    expect(l.inFlight).toBe(1);
    const t0 = performance.now();
    l.observe(limited({ send: t0, retryAfterMs: 60 }));
    l.release();
    expect(l.tryAcquire()).toBe(false); // paused, although both slots are free
    l.setWaiting(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(woken).toBeGreaterThanOrEqual(1);
    expect(wokenAt - t0).toBeGreaterThanOrEqual(55);
    expect(l.tryAcquire()).toBe(true);
  });

  it('jobs waiting outside make the limit binding: successes then raise it', () => {
    const l = new AdaptiveLimiter({ provider: 'p', max: 3 });
    l.observe(limited({ send: performance.now() + 1 }));
    l.observe(limited({ send: performance.now() + 2 }));
    expect(l.limit).toBe(1);
    for (let i = 0; i < 10; i++) l.observe(attempt());
    expect(l.limit).toBe(1); // nothing in flight, nothing waiting: no evidence
    l.setWaiting(4);
    for (let i = 0; i < 10; i++) l.observe(attempt());
    expect(l.limit).toBe(2);
  });
});
