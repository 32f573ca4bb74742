// The client-path warm-up (src/providers/client-warm-up.ts): as many streamed requests as asked,
// several at once, each a whole answer read and parsed, against its own throw-away server.
import { describe, expect, it } from 'vitest';
import { MAX_WARM_REQUESTS, warmClientPath } from '../../src/providers/client-warm-up.ts';
import type { FetchLike } from '../../src/providers/types.ts';

/** fetch, counting the calls, those in flight at once, and the answers read to their end. */
function countingFetch() {
  const seen = { calls: 0, inFlight: 0, maxInFlight: 0, tokens: 0, urls: new Set<string>() };
  const f: FetchLike = async (input, init) => {
    seen.calls++;
    seen.urls.add(String(input));
    seen.inFlight++;
    seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
    const res = await fetch(input, init);
    const text = await res.text();
    seen.inFlight--;
    seen.tokens += (text.match(/"content":" tok\d+"/g) ?? []).length;
    return new Response(text, { status: res.status, headers: res.headers });
  };
  return { f, seen };
}

describe('warmClientPath', () => {
  it('sends the requests asked for, several at once, each a whole streamed answer, to a local server only', async () => {
    const { f, seen } = countingFetch();
    await warmClientPath(f, 100);
    expect(seen.calls).toBe(100);
    expect(seen.maxInFlight).toBeGreaterThan(1);
    expect(seen.tokens).toBe(100 * 16);
    expect([...seen.urls].every((u) => u.startsWith('http://127.0.0.1:'))).toBe(true);
  });

  it('sends at least one request and at most MAX_WARM_REQUESTS', async () => {
    const few = countingFetch();
    await warmClientPath(few.f, 0);
    expect(few.seen.calls).toBe(1);
    const many = countingFetch();
    await warmClientPath(many.f, MAX_WARM_REQUESTS * 3);
    expect(many.seen.calls).toBe(MAX_WARM_REQUESTS);
  }, 60_000);
});
