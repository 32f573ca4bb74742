/**
 * Timestamps of one attempt, in milliseconds from a monotonic clock (performance.now()).
 * See docs/metrics.md "Metric definitions".
 */
export interface Marks {
  /** Just before the request is written (after waiting for a slot). */
  send: number;
  /** Response headers received. */
  hdr: number | null;
  /** First token-bearing event (content, reasoning or tool-call delta; never role-only/empty). */
  firstTok: number | null;
  /** First non-empty answer content or tool-call delta. */
  firstAnswer: number | null;
  /** Last token-bearing event. */
  lastTok: number | null;
  /** [DONE], the stream closing, or the body fully read; also set on failure. */
  end: number;
  /** Arrival time of every token-bearing event, in order (ITL samples are their gaps). */
  tokenTimes: number[];
}

/** Per-request metrics (the final attempt). null where undefined (e.g. tpot with N < 2). */
export interface RequestMetrics {
  ttfbMs: number | null;
  ttftMs: number | null;
  ttfaMs: number | null;
  latencyMs: number;
  itlP50Ms: number | null;
  itlMaxMs: number | null;
  tpotMs: number | null;
  outputTps: number | null;
  /** Gaps between successive token-bearing events, coalesced ones left out (pooled across requests in summaries). */
  itlSamples: number[];
  /** Gaps between events of one socket read (sharing its stamp): counted, not sampled. */
  itlCoalesced: number;
}

export type Clock = () => number;
