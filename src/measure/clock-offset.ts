import type { FetchLike } from '../providers/types.ts';

/** This machine's clock against a provider's, from the HTTP `Date` response header. */
export interface ClockOffset {
  /** Provider clock minus local clock, ms (positive: the local clock is behind). */
  offset_ms: number;
  /** The true offset lies within offset_ms ± this (the Date header's 1 s step, narrowed by probing at several phases). */
  uncertainty_ms: number;
  /** Fastest probe's round trip. */
  rtt_ms: number;
  /** The URL probed (no credentials: they travel in headers only). */
  url: string;
}

/**
 * Probes `url` (a cheap GET, e.g. the provider's /models) `probes` times, `spacingMs` apart. Each
 * probe bounds the offset: the server stamped Date (whole seconds, so its clock read within
 * [Date, Date + 1 s)) at some local instant between send (t0) and receipt (t1), so the offset
 * lies in (Date - t1, Date + 1000 - t0). The bounds of all probes are intersected: probes at
 * different phases of the second narrow it well below the header's 1 s step. Returns null when no
 * probe got a Date header (then merge states the clock uncertainty as unknown).
 */
export async function measureClockOffset(
  url: string,
  headers: Record<string, string>,
  options: { fetch?: FetchLike; probes?: number; spacingMs?: number; now?: () => number } = {},
): Promise<ClockOffset | null> {
  const doFetch = options.fetch ?? (fetch as unknown as FetchLike);
  const now = options.now ?? Date.now;
  let lo = -Infinity;
  let hi = Infinity;
  let bestRtt = Infinity;
  for (let i = 0; i < (options.probes ?? 4); i++) {
    if (i > 0 && options.spacingMs) await new Promise((r) => setTimeout(r, options.spacingMs));
    const t0 = now();
    let date: string | null;
    try {
      const res = await doFetch(url, { headers, signal: AbortSignal.timeout(3000), redirect: 'manual' });
      date = res.headers.get('date');
      await res.arrayBuffer();
    } catch {
      continue; // unreachable now: the run's own requests will say so
    }
    const t1 = now();
    const server = date ? Date.parse(date) : NaN;
    if (!Number.isFinite(server)) continue;
    const [l, h] = [server - t1, server + 1000 - t0];
    // Bounds that do not overlap mean a clock stepped between probes: start again from this one.
    if (l > hi || h < lo) [lo, hi] = [l, h];
    else [lo, hi] = [Math.max(lo, l), Math.min(hi, h)];
    bestRtt = Math.min(bestRtt, t1 - t0);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  return { offset_ms: Math.round((lo + hi) / 2), uncertainty_ms: Math.ceil((hi - lo) / 2), rtt_ms: bestRtt, url };
}
