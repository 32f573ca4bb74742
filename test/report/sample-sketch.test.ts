import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentileSorted } from '../../src/measure/percentile.ts';
import { SampleSketch, SKETCH_RELATIVE_ERROR, EXACT_SAMPLE_CAP, summarizeDistribution } from '../../src/report/index.ts';
import { seededRandom as rng } from '../../src/grade/statistics/seeded-random.ts';

const PS = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100];

/** Latency-like values: log-normal around 200 ms with a heavy tail, rounded to the rows' 0.001 ms. */
function latencies(n: number, seed: number): number[] {
  const rand = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    out.push(Math.round(Math.exp(Math.log(200) + 0.9 * z) * 1000) / 1000);
  }
  return out;
}

function exactPercentile(values: number[], p: number): number {
  return percentileSorted(Float64Array.from(values).sort(), p);
}

describe('SampleSketch', () => {
  it('is exact up to its cap: the same summary as the values themselves', () => {
    const values = latencies(EXACT_SAMPLE_CAP, 1);
    const s = new SampleSketch();
    s.pushAll(values);
    expect(s.exact).toBe(true);
    expect(s.summarize()).toEqual(summarizeDistribution(values));
    const p = s.percentiles();
    for (const q of PS) expect(p(q)).toBe(exactPercentile(values, q));
  });

  it(`past the cap, percentiles stay within ${SKETCH_RELATIVE_ERROR * 100}% of exact; count, min, max exact`, () => {
    const values = latencies(60_000, 2);
    const s = new SampleSketch({ cap: 5_000 });
    s.pushAll([...values, null, NaN, Infinity]);
    expect(s.exact).toBe(false);
    const exact = summarizeDistribution(values);
    const approx = s.summarize();
    expect(approx.count).toBe(60_000);
    expect(approx.min).toBe(exact.min);
    expect(approx.max).toBe(exact.max);
    expect(approx.mean).toBeCloseTo(exact.mean!, 6);
    expect(approx.std).toBeCloseTo(exact.std!, 6);
    const p = s.percentiles();
    let worst = 0;
    for (const q of PS) {
      const e = exactPercentile(values, q);
      worst = Math.max(worst, Math.abs(p(q)! - e) / e);
    }
    expect(worst).toBeLessThanOrEqual(SKETCH_RELATIVE_ERROR);
    // Not vacuous: the approximation does differ from the exact values somewhere.
    expect(worst).toBeGreaterThan(0);
  });

  it('holds the bound for any data past the cap (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-3, max: 1e8, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const s = new SampleSketch({ cap: 16 });
          s.pushAll(values);
          const exact = exactPercentile(values, p);
          return Math.abs(s.percentiles()(p)! - exact) <= SKETCH_RELATIVE_ERROR * exact;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds its memory bound however many values it is given', () => {
    const s = new SampleSketch({ cap: 1_000 });
    const rand = rng(9);
    const sizeAfter = (n: number) => {
      for (let i = 0; i < n; i++) s.push(1 + rand() * 30_000); // 1 ms .. 30 s
      return s.storedBytes;
    };
    expect(sizeAfter(1_000)).toBeLessThanOrEqual(8 * 1_000);
    const at100k = sizeAfter(99_000);
    const at1m = sizeAfter(900_000);
    expect(s.count).toBe(1_000_000);
    expect(s.exact).toBe(false);
    // 1 ms .. 30 s at 0.1%: ~5,160 buckets, plus at most a quarter of slack, whatever the count
    // (8 MB if the million values were kept).
    const bound = 8 * Math.ceil(1.25 * 5_160);
    expect(at100k).toBeLessThanOrEqual(bound);
    expect(at1m).toBeLessThanOrEqual(bound);
  });

  it('absorbing sketches equals pushing every value into one', () => {
    const a = latencies(3_000, 3);
    const b = latencies(4_000, 4);
    const c = latencies(500, 5);
    // All exact and under the cap together: an exact concatenation.
    const small = new SampleSketch({ cap: 10_000 });
    for (const part of [a, b, c]) {
      const s = new SampleSketch({ cap: 10_000 });
      s.pushAll(part);
      small.absorb(s);
    }
    expect(small.exact).toBe(true);
    expect(small.summarize()).toEqual(summarizeDistribution([...a, ...b, ...c]));

    // Mixed: parts past the cap and parts still exact give the same histogram as one sketch.
    const combined = new SampleSketch({ cap: 2_000 });
    const one = new SampleSketch({ cap: 2_000 });
    for (const part of [a, b, c]) {
      const s = new SampleSketch({ cap: 2_000 });
      s.pushAll(part);
      combined.absorb(s);
      one.pushAll(part);
    }
    const x = combined.summarize();
    const y = one.summarize();
    expect(combined.exact).toBe(false);
    expect(x.count).toBe(7_500);
    for (const k of ['min', 'p50', 'p90', 'p95', 'p99', 'max'] as const) expect(x[k]).toBe(y[k]);
    expect(x.mean).toBeCloseTo(y.mean!, 9);
    expect(x.std).toBeCloseTo(y.std!, 9);
  });

  it('is empty-safe', () => {
    const s = new SampleSketch();
    expect(s.summarize()).toMatchObject({ count: 0, p50: null, mean: null });
    expect(s.percentiles()(50)).toBeNull();
  });
});
