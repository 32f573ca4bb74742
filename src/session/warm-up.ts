import { MAX_WARM_REQUESTS, warmClientPath } from '../providers/client-warm-up.ts';
import { warmConnections } from '../providers/http-transport.ts';
import { endpointUrl } from '../providers/url-policy.ts';
import type { FetchLike } from '../providers/types.ts';
import type { ResolvedProvider } from '../run/run-jobs.ts';

/**
 * Most connections warmed per origin: Node's agent keeps at most 256 idle sockets per origin
 * (its default maxFreeSockets), so more would be closed as soon as the warm-up frees them.
 */
export const MAX_WARM_CONNECTIONS = 256;

export interface WarmUpOptions {
  /**
   * Requests the run can have in flight at once (its concurrency; for an open loop without a
   * ceiling, the expected number in flight). Default 1.
   */
  concurrency?: number;
  /** Jobs the run sends, when known: a run never uses more connections than it has requests. */
  jobs?: number;
}

/**
 * Cold start must not land in the first measured requests: Node's first fetch loads its HTTP
 * stack, and the first POST, stream read, SSE parse and row build run unoptimised code (seen
 * here: 15-30 ms extra TTFB on the first two requests). So before a run:
 * 1. streamed requests to a throw-away server on 127.0.0.1 run the whole client path (never the
 *    provider's: nothing is billed, no rate limit is touched), as many as the run's load calls
 *    for (warmRequestCount);
 * 2. cheap GET /models per origin open as many pooled connections (and TLS sessions) as the
 *    run can use at once (warmConnectionPlan): with one, the first batch of a 64-stream run
 *    waited 6-17 ms for 63 new connections, sometimes 40-110 ms.
 */
export async function warmUp(providers: Iterable<ResolvedProvider>, fetchImpl?: FetchLike, options: WarmUpOptions = {}): Promise<void> {
  await warmClientPath(fetchImpl, warmRequestCount(options));
  await Promise.all(
    warmConnectionPlan(providers, options).map(async ({ provider: { endpoint, apiKey }, connections }) => {
      const headers = { ...endpoint.headers, ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) };
      const url = endpointUrl(endpoint.baseUrl, 'models');
      // The default client pools its own connections: open them there (fetch's pool is another).
      if (!fetchImpl) return warmConnections(url, headers, connections);
      await Promise.all(Array.from({ length: connections }, () => warmFetch(fetchImpl, url, headers)));
    }),
  );
}

/**
 * Client-path warm-up requests for a run: 8 per request it can have in flight (so a busy run's
 * hot functions are optimised before it starts: 1,000, about 0.7 s, for a 2,000/s open loop, where
 * 5 had left the client seconds behind in its first second), at most one per job, at least 5.
 */
export function warmRequestCount(options: WarmUpOptions = {}): number {
  return Math.max(5, Math.min(MAX_WARM_REQUESTS, 8 * Math.max(1, options.concurrency ?? 1), options.jobs ?? Infinity));
}

/**
 * Connections to open per origin: what its providers can have in flight (each its own
 * `concurrency`, else the run's), at most the run's concurrency and its job count, and
 * MAX_WARM_CONNECTIONS. Providers on one origin share the pool, so they are warmed once, together.
 */
export function warmConnectionPlan(
  providers: Iterable<ResolvedProvider>, options: WarmUpOptions = {},
): { provider: ResolvedProvider; connections: number }[] {
  const run = Math.max(1, options.concurrency ?? 1);
  const byOrigin = new Map<string, { provider: ResolvedProvider; want: number }>();
  for (const p of providers) {
    let origin: string;
    try {
      origin = new URL(p.endpoint.baseUrl).origin;
    } catch {
      origin = p.endpoint.baseUrl; // a bad URL fails the requests themselves, with the reason
    }
    const own = Math.min(p.endpoint.concurrency ?? run, run);
    const seen = byOrigin.get(origin);
    if (seen) seen.want += own;
    else byOrigin.set(origin, { provider: p, want: own });
  }
  const cap = Math.min(run, options.jobs ?? Infinity, MAX_WARM_CONNECTIONS);
  return [...byOrigin.values()].map(({ provider, want }) => ({ provider, connections: Math.max(1, Math.floor(Math.min(want, cap))) }));
}

async function warmFetch(fetchImpl: FetchLike, url: string, headers: Record<string, string>): Promise<void> {
  try {
    const res = await fetchImpl(url, {
      headers,
      signal: AbortSignal.timeout(3000),
      redirect: 'manual', // never carry the key to wherever a redirect points
    });
    await res.arrayBuffer();
  } catch {
    // A server without /models, or not up yet: the real requests will say so.
  }
}
