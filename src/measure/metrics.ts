import type { Marks, RequestMetrics } from './types.ts';
import { percentileSorted } from './percentile.ts';
import { isCoalescedGap } from './coalesced-gaps.ts';

/**
 * Per-request metrics from one attempt's marks (docs/metrics.md "Metric definitions"):
 * ttfb = hdr - send, ttft = firstTok - send, ttfa = firstAnswer - send, latency = end - send;
 * ITL samples = gaps between successive token-bearing events, less the coalesced ones (events of
 * one socket read share its stamp: see coalesced-gaps.ts), which are only counted;
 * tpot = (lastTok - firstTok) / (N - 1) for N >= 2 completion tokens (reasoning included);
 * output_tps = 1000 / tpot.
 * tpot is null when no decode time was observed (a non-streamed body, or every token in one
 * read), since 0 ms per token would be a measurement artefact and its tps infinite.
 */
export function computeRequestMetrics(marks: Marks, completionTokens: number | null): RequestMetrics {
  const { send } = marks;
  const times = marks.tokenTimes;
  const n = times.length;
  const itlSamples: number[] = [];
  let itlCoalesced = 0;
  let itlMax: number | null = null;
  for (let i = 1; i < n; i++) {
    const gap = times[i] - times[i - 1];
    if (isCoalescedGap(gap)) {
      itlCoalesced++;
      continue;
    }
    itlSamples.push(gap);
    if (itlMax === null || gap > itlMax) itlMax = gap;
  }
  const itlP50 = itlSamples.length > 0 ? percentileSorted(Float64Array.from(itlSamples).sort(), 50) : null;

  let tpotMs: number | null = null;
  if (completionTokens !== null && completionTokens >= 2 && marks.firstTok !== null && marks.lastTok !== null) {
    const span = marks.lastTok - marks.firstTok;
    if (span > 0) tpotMs = span / (completionTokens - 1);
  }

  return {
    ttfbMs: marks.hdr === null ? null : marks.hdr - send,
    ttftMs: marks.firstTok === null ? null : marks.firstTok - send,
    ttfaMs: marks.firstAnswer === null ? null : marks.firstAnswer - send,
    latencyMs: marks.end - send,
    itlP50Ms: itlP50,
    itlMaxMs: itlMax,
    tpotMs,
    outputTps: tpotMs === null ? null : 1000 / tpotMs,
    itlSamples,
    itlCoalesced,
  };
}
