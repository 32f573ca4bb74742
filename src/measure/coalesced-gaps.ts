/**
 * Coalesced ITL gaps (docs/metrics.md "Metric definitions"): every SSE event parsed out of one
 * socket read carries that read's arrival stamp, so the gap between two of them is 0. That says
 * when the client read the bytes, not when the server sent them: such gaps are counted apart and
 * kept out of the ITL samples and percentiles. The one definition, for rows and summaries alike.
 */

/**
 * A gap that rounds to 0.000 ms, the rows' precision: two events of one read (exactly 0), or of
 * reads under a microsecond apart, which no server paces tokens at. Zeros in rows written
 * before the split are recognised the same way.
 */
export function isCoalescedGap(gapMs: number): boolean {
  return gapMs < 0.0005;
}

/** Share of all gaps that were coalesced; null when there were no gaps. */
export function coalescedShare(coalesced: number, measured: number): number | null {
  const all = coalesced + measured;
  return all > 0 ? coalesced / all : null;
}

/** Above this share the ITL percentiles describe a minority of the gaps: the run warns. */
export const COALESCED_WARN_SHARE = 0.2;

/** The warning for a run whose coalesced share is above COALESCED_WARN_SHARE, else null. */
export function coalescedWarning(coalesced: number, measured: number): string | null {
  const share = coalescedShare(coalesced, measured);
  if (share === null || share <= COALESCED_WARN_SHARE) return null;
  return `${(share * 100).toFixed(1)}% of inter-token gaps (${coalesced} of ${coalesced + measured}) were between events `
    + 'that arrived in one socket read, so they share a stamp; they are left out of the ITL percentiles, '
    + 'which then describe the other gaps only. Either the server sends tokens in bursts, or the client '
    + 'was too busy to read each event as it came: compare with a lower --concurrency.';
}
