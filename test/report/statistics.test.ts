import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentileSorted } from '../../src/measure/percentile.ts';
import { LogHistogram, SampleBuffer, summarizeDistribution } from '../../src/report/index.ts';
import { seededRandom as rng } from '../../src/grade/statistics/seeded-random.ts';


describe('summarizeDistribution', () => {
  it('matches hand-computed values for [1, 2, 3, 4]', () => {
    const s = summarizeDistribution([4, 1, 3, 2]);
    expect(s.count).toBe(4);
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 12); // sample: sum sq dev 5, n - 1 = 3
    expect(s.min).toBe(1);
    expect(s.max).toBe(4);
    expect(s.p50).toBeCloseTo(2.5, 12);
    expect(s.p90).toBeCloseTo(3.7, 12);
    expect(s.p95).toBeCloseTo(3.85, 12);
    expect(s.p99).toBeCloseTo(3.97, 12);
  });

  it('leaves out null, undefined, NaN and infinities; does not modify the input', () => {
    const input = [10, null, NaN, 30, undefined, Infinity, 20];
    const s = summarizeDistribution(input);
    expect(s).toMatchObject({ count: 3, mean: 20, min: 10, p50: 20, max: 30, std: 10 });
    expect(input[0]).toBe(10);
    expect(input[3]).toBe(30);
    const typed = new Float64Array([3, 1, 2]);
    summarizeDistribution(typed);
    expect([...typed]).toEqual([3, 1, 2]);
  });

  it('all-null gives count 0 and nulls; one value has no std', () => {
    expect(summarizeDistribution([null, NaN])).toEqual({
      count: 0, mean: null, std: null, min: null, p50: null, p90: null, p95: null, p99: null, max: null,
    });
    expect(summarizeDistribution([])).toMatchObject({ count: 0, p50: null });
    expect(summarizeDistribution([7])).toMatchObject({ count: 1, mean: 7, std: null, p50: 7, p99: 7 });
  });

  it('is stable for values with a large common offset', () => {
    const base = 1.7e12; // epoch-like milliseconds
    const s = summarizeDistribution([base + 1, base + 2, base + 3, base + 4]);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 6);
  });
});

describe('SampleBuffer', () => {
  it('grows past its capacity and skips null/non-finite values', () => {
    const b = new SampleBuffer(2);
    for (let i = 1; i <= 100; i++) b.push(i);
    b.push(null);
    b.push(NaN);
    b.pushAll([undefined, 101]);
    expect(b.length).toBe(101);
    expect(b.values()[100]).toBe(101);
    const s = b.summarize();
    expect(s.count).toBe(101);
    expect(s.p50).toBe(51);
    expect(s.mean).toBe(51);
  });

  it('concat joins buffers in order', () => {
    const a = new SampleBuffer();
    const b = new SampleBuffer();
    a.pushAll([1, 2]);
    b.pushAll([3]);
    expect([...SampleBuffer.concat([a, b])]).toEqual([1, 2, 3]);
  });
});

describe('LogHistogram', () => {
  const PS = [1, 10, 25, 50, 75, 90, 95, 99, 99.9];

  it('percentiles stay within 0.5% of exact ones on random data', () => {
    const rand = rng(42);
    const h = new LogHistogram();
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      // Log-normal gaps around 20 ms with a heavy tail, plus exact zeros (events in one read).
      const u = rand();
      const v = u < 0.05 ? 0 : Math.exp(Math.log(20) + 1.2 * Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand()));
      values.push(v);
      h.record(v);
    }
    const sorted = Float64Array.from(values).sort();
    for (const p of PS) {
      const exact = percentileSorted(sorted, p);
      const approx = h.percentile(p)!;
      if (exact < h.minTrackable) expect(Math.abs(approx - exact)).toBeLessThanOrEqual(h.minTrackable);
      else expect(Math.abs(approx - exact) / exact).toBeLessThanOrEqual(0.005);
    }
    const s = h.summarize();
    const exact = summarizeDistribution(sorted);
    expect(s.count).toBe(50_000);
    expect(s.min).toBe(exact.min);
    expect(s.max).toBe(exact.max);
    expect(s.mean).toBeCloseTo(exact.mean!, 9);
    expect(s.std).toBeCloseTo(exact.std!, 9);
    expect(Math.abs(s.p99! - exact.p99!) / exact.p99!).toBeLessThanOrEqual(0.005);
  });

  it('holds the bound for any positive data (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const h = new LogHistogram();
          h.recordAll(values);
          const exact = percentileSorted(Float64Array.from(values).sort(), p);
          return Math.abs(h.percentile(p)! - exact) <= 0.005 * exact;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('uses fixed memory whatever the number of samples', () => {
    const h = new LogHistogram();
    const before = h.bucketCount;
    const rand = rng(7);
    for (let i = 0; i < 200_000; i++) h.record(rand() * 1e4);
    expect(h.bucketCount).toBe(before);
    expect(before).toBeLessThan(5000);
  });

  it('stores buckets only over the range the data spans, growing to cover new values', () => {
    const h = new LogHistogram({ relativeAccuracy: 0.001, minTrackable: 1e-3, maxTrackable: 1e9 });
    expect(h.storedBuckets).toBe(0);
    const rand = rng(11);
    // One decade at 0.1%: ~1,152 buckets of the 13,816 the trackable range has; at most a quarter more stored.
    for (let i = 0; i < 100_000; i++) h.record(10 + rand() * 90);
    const oneDecade = h.storedBuckets;
    expect(oneDecade).toBeLessThanOrEqual(Math.ceil(1.25 * 1_152));
    for (let i = 0; i < 100_000; i++) h.record(10 + rand() * 90);
    expect(h.storedBuckets).toBeLessThanOrEqual(Math.ceil(1.25 * 1_152));
    expect(h.bucketCount).toBeGreaterThan(13_000);
    // Values below and above the stored range: it grows both ways, and the percentiles still hold.
    h.recordAll([0.002, 5e8]);
    expect(h.storedBuckets).toBeGreaterThan(oneDecade);
    expect(h.storedBuckets).toBeLessThanOrEqual(h.bucketCount);
    expect(h.percentile(0)).toBe(0.002);
    expect(h.percentile(100)).toBe(5e8);
    expect(Math.abs(h.percentile(50)! - 55) / 55).toBeLessThan(0.01);
  });

  it('merges histograms whose stored ranges do not overlap', () => {
    const low = new LogHistogram();
    const high = new LogHistogram();
    const all = new LogHistogram();
    for (let i = 1; i <= 1000; i++) {
      low.record(i / 100); // 0.01 .. 10
      high.record(i * 1000); // 1e3 .. 1e6
      all.recordAll([i / 100, i * 1000]);
    }
    high.merge(low);
    const a = high.summarize();
    const b = all.summarize();
    for (const k of ['count', 'min', 'p50', 'p90', 'p99', 'max'] as const) expect(a[k]).toBe(b[k]);
  });

  it('merge equals recording everything in one histogram', () => {
    const rand = rng(3);
    const a = new LogHistogram();
    const b = new LogHistogram();
    const all = new LogHistogram();
    for (let i = 0; i < 5000; i++) {
      const v = rand() * 500;
      (i % 3 === 0 ? a : b).record(v);
      all.record(v);
    }
    a.merge(b);
    const sa = a.summarize();
    const sAll = all.summarize();
    expect(sa.count).toBe(sAll.count);
    for (const k of ['min', 'max', 'p50', 'p90', 'p99'] as const) expect(sa[k]).toBe(sAll[k]);
    expect(sa.mean).toBeCloseTo(sAll.mean!, 9);
    expect(sa.std).toBeCloseTo(sAll.std!, 9);
    expect(() => a.merge(new LogHistogram({ relativeAccuracy: 0.01 }))).toThrow(RangeError);
  });

  it('is empty-safe and reports values out of range without losing them', () => {
    const h = new LogHistogram();
    expect(h.summarize()).toMatchObject({ count: 0, p50: null });
    expect(h.percentile(50)).toBeNull();
    h.recordAll([0, 0, 2e7, null, NaN]);
    expect(h.count).toBe(3);
    expect(h.percentile(0)).toBe(0);
    expect(h.percentile(100)).toBe(2e7);
    expect(h.percentile(50)).toBe(0);
  });
});
