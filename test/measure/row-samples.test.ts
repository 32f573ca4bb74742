import { describe, expect, it } from 'vitest';
import { boundedSamples, MAX_ROW_ITL_SAMPLES } from '../../src/measure/row-samples.ts';
import { percentileSorted } from '../../src/measure/percentile.ts';

describe('boundedSamples', () => {
  it('keeps a short list as it is', () => {
    expect(boundedSamples([3, 1, 2])).toEqual([3, 1, 2]);
  });

  it('keeps MAX_ROW_ITL_SAMPLES evenly spaced quantiles of a long list', () => {
    const n = 200_000;
    const samples = Array.from({ length: n }, (_, i) => ((i * 7919) % n) / 100); // 0 .. 1999.99, shuffled
    const kept = boundedSamples(samples);
    expect(kept).toHaveLength(MAX_ROW_ITL_SAMPLES);
    const all = Float64Array.from(samples).sort();
    const few = Float64Array.from(kept).sort();
    for (const p of [10, 50, 90, 99]) {
      expect(Math.abs(percentileSorted(few, p) - percentileSorted(all, p))).toBeLessThan(2000 / MAX_ROW_ITL_SAMPLES + 0.01);
    }
  });
});
