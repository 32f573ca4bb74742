import { describe, expect, it } from 'vitest';
import { computeRequestMetrics } from '../../src/measure/metrics.ts';
import type { Marks } from '../../src/measure/types.ts';

const marks = (over: Partial<Marks>): Marks => ({
  send: 1000, hdr: null, firstTok: null, firstAnswer: null, lastTok: null, end: 1000, tokenTimes: [], ...over,
});

describe('computeRequestMetrics', () => {
  it('computes every field for a streamed request (hand-computed)', () => {
    // Tokens at +100, +110, +130, +160, +200 ms after send; headers at +40; answer starts at +130.
    const m = computeRequestMetrics(
      marks({ hdr: 1040, firstTok: 1100, firstAnswer: 1130, lastTok: 1200, end: 1210, tokenTimes: [1100, 1110, 1130, 1160, 1200] }),
      11,
    );
    expect(m.ttfbMs).toBe(40);
    expect(m.ttftMs).toBe(100);
    expect(m.ttfaMs).toBe(130);
    expect(m.latencyMs).toBe(210);
    expect(m.itlSamples).toEqual([10, 20, 30, 40]);
    expect(m.itlP50Ms).toBe(25); // R-7 median of 10, 20, 30, 40
    expect(m.itlMaxMs).toBe(40);
    expect(m.tpotMs).toBe(10); // (1200 - 1100) / (11 - 1)
    expect(m.outputTps).toBe(100);
  });

  it('counts gaps between events of one socket read (one stamp) apart, and keeps them out of ITL', () => {
    // A read carried three token events (1100), another two (1130); the server paced the rest.
    const m = computeRequestMetrics(
      marks({ firstTok: 1100, lastTok: 1150, end: 1150, tokenTimes: [1100, 1100, 1100, 1130, 1130, 1150] }),
      6,
    );
    expect(m.itlCoalesced).toBe(3);
    expect(m.itlSamples).toEqual([30, 20]);
    expect(m.itlP50Ms).toBe(25); // not 0: the zeros were the client's reads, not the server's pace
    expect(m.itlMaxMs).toBe(30);
    expect(m.tpotMs).toBe(10); // decode span over tokens: unchanged by how they were read
    const allInOne = computeRequestMetrics(marks({ firstTok: 1100, lastTok: 1100, end: 1100, tokenTimes: [1100, 1100, 1100] }), 3);
    expect(allInOne).toMatchObject({ itlCoalesced: 2, itlSamples: [], itlP50Ms: null, itlMaxMs: null });
  });

  it('leaves tpot undefined for N < 2 or unknown N, ITL undefined with < 2 events', () => {
    const one = computeRequestMetrics(marks({ hdr: 1010, firstTok: 1050, firstAnswer: 1050, lastTok: 1050, end: 1060, tokenTimes: [1050] }), 1);
    expect(one.tpotMs).toBeNull();
    expect(one.outputTps).toBeNull();
    expect(one.itlSamples).toEqual([]);
    expect(one.itlP50Ms).toBeNull();
    expect(one.itlMaxMs).toBeNull();
    const unknown = computeRequestMetrics(marks({ firstTok: 1050, lastTok: 1090, end: 1100, tokenTimes: [1050, 1090] }), null);
    expect(unknown.tpotMs).toBeNull();
    expect(unknown.itlSamples).toEqual([40]);
  });

  it('non-streamed marks (all at the end): latency only, no decode speed', () => {
    const m = computeRequestMetrics(marks({ hdr: 1300, firstTok: 1500, firstAnswer: 1500, lastTok: 1500, end: 1500 }), 80);
    expect(m.latencyMs).toBe(500);
    expect(m.ttfbMs).toBe(300);
    expect(m.ttftMs).toBe(500);
    expect(m.tpotMs).toBeNull(); // zero span: not a measurement
    expect(m.outputTps).toBeNull();
  });

  it('failed before headers: only latency', () => {
    const m = computeRequestMetrics(marks({ end: 1075 }), null);
    expect(m).toEqual({
      ttfbMs: null, ttftMs: null, ttfaMs: null, latencyMs: 75, itlP50Ms: null, itlMaxMs: null,
      tpotMs: null, outputTps: null, itlSamples: [], itlCoalesced: 0,
    });
  });

  it('reasoning-only stream: ttft set, ttfa null', () => {
    const m = computeRequestMetrics(marks({ firstTok: 1020, lastTok: 1080, end: 1090, tokenTimes: [1020, 1050, 1080] }), 4);
    expect(m.ttftMs).toBe(20);
    expect(m.ttfaMs).toBeNull();
    expect(m.tpotMs).toBe(20); // 60 / 3
    expect(m.itlP50Ms).toBe(30);
  });
});
