/**
 * Most ITL samples written in one row. A row's own itl_p50_ms / itl_max_ms are computed from
 * every gap (the response's event count is bounded, see MAX_SSE_EVENTS); only the list kept for
 * the pooled distribution is bounded, so one runaway answer cannot write a multi-megabyte row.
 */
export const MAX_ROW_ITL_SAMPLES = 4096;

/**
 * `samples` when within `max`, else `max` of them evenly spaced over their sorted order: the
 * i-th kept value is the (i + 0.5) / max quantile, so the kept list has the same distribution
 * (to 1 / max) as the whole. Time order is not kept (nothing downstream uses it).
 */
export function boundedSamples(samples: readonly number[], max = MAX_ROW_ITL_SAMPLES): number[] {
  const n = samples.length;
  if (n <= max) return samples.slice();
  const sorted = Float64Array.from(samples).sort();
  const out = new Array<number>(max);
  for (let i = 0; i < max; i++) out[i] = sorted[Math.min(n - 1, Math.floor(((i + 0.5) * n) / max))];
  return out;
}
