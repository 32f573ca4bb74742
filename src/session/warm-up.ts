import { warmClientPath } from '../providers/client-warm-up.ts';
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
 * 1. a few streamed requests to a throw-away server on 127.0.0.1 run the whole client path
 *    (never the provider's: nothing is billed, no rate limit is touched);
 * 2. cheap GET /models per origin open as many pooled connections (and TLS sessions) as the
 *    run can use at once (warmConnectionPlan): with one, the first batch of a 64-stream run
 *    waited 6-17 ms for 63 new connections, sometimes 40-110 ms.
 */
export async function warmUp(providers: Iterable<ResolvedProvider>, fetchImpl?: FetchLike, options: WarmUpOptions = {}): Promise<void> {
  await warmClientPath(fetchImpl);
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
