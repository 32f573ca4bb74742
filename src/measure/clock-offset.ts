import type { FetchLike } from '../providers/types.ts';

/** This machine's clock against a provider's, from the HTTP `Date` response header. */
export interface ClockOffset {
  /** Provider clock minus local clock, ms (positive: the local clock is behind). */
  offset_ms: number;
  /** The true offset lies within offset_ms ± this: half the Date header's 1 s step plus half the round trip. */
  uncertainty_ms: number;
  /** Round trip of the probe the estimate came from. */
  rtt_ms: number;
  /** The URL probed (no credentials: they travel in headers only). */
  url: string;
}

/**
 * Probes `url` (a cheap GET, e.g. the provider's /models) `probes` times and keeps the estimate
 * from the fastest round trip. The Date header has whole seconds, so the server's time at the
 * midpoint of the probe is taken as its Date + 500 ms, ± 500 ms + rtt / 2. Returns null when no
 * probe got a Date header (then merge states the clock uncertainty as unknown).
 */
export async function measureClockOffset(
  url: string,
  headers: Record<string, string>,
  options: { fetch?: FetchLike; probes?: number; now?: () => number } = {},
): Promise<ClockOffset | null> {
  const doFetch = options.fetch ?? (fetch as unknown as FetchLike);
  const now = options.now ?? Date.now;
  let best: ClockOffset | null = null;
  for (let i = 0; i < (options.probes ?? 3); i++) {
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
    const rtt = t1 - t0;
    if (best && rtt >= best.rtt_ms) continue;
    best = { offset_ms: Math.round(server + 500 - (t0 + t1) / 2), uncertainty_ms: Math.round(500 + rtt / 2), rtt_ms: rtt, url };
  }
  return best;
}
