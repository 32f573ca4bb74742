import type { FetchLike } from '../providers/types.ts';
import type { ResolvedProvider } from './run-jobs.ts';

/**
 * Node's first fetch spends tens of milliseconds loading its HTTP stack (and a first TLS
 * handshake costs more): without this, the first measured request's TTFT carries that cold
 * start. One cheap GET /models per provider loads the stack and opens a pooled connection.
 * Its outcome does not matter.
 */
export async function warmUp(providers: Iterable<ResolvedProvider>, fetchImpl: FetchLike = fetch): Promise<void> {
  await Promise.all(
    [...providers].map(async ({ endpoint, apiKey }) => {
      try {
        const res = await fetchImpl(`${endpoint.baseUrl}/models`, {
          headers: { ...endpoint.headers, ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
          signal: AbortSignal.timeout(3000),
        });
        await res.arrayBuffer();
      } catch {
        // A server without /models, or not up yet: the real requests will say so.
      }
    }),
  );
}
