/** Anything with case-insensitive `get` (a fetch Headers) or a plain record of lower-case names. */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | undefined>;

function header(h: HeaderSource, name: string): string | null {
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | null }).get(name);
  const rec = h as Record<string, string | undefined>;
  const direct = rec[name];
  if (direct !== undefined) return direct;
  for (const k of Object.keys(rec)) if (k.toLowerCase() === name) return rec[k] ?? null;
  return null;
}

const NUMBER = /^\s*\d+(?:\.\d+)?\s*$/;

/**
 * How long the server asked us to wait, in ms, or null when it did not say (or said nonsense).
 * Order follows the openai SDK: a positive `retry-after-ms` wins; otherwise `retry-after` as
 * seconds or an HTTP-date (relative to nowEpochMs). A `retry-after-ms: 0` next to
 * `retry-after: 1` (Azure AI Foundry sends exactly that) therefore means 1000 ms.
 */
export function parseRetryAfter(headers: HeaderSource, nowEpochMs: number = Date.now()): number | null {
  const msRaw = header(headers, 'retry-after-ms');
  let ms: number | null = null;
  if (msRaw != null && NUMBER.test(msRaw)) ms = Number(msRaw);
  if (ms !== null && ms > 0) return ms;

  const raw = header(headers, 'retry-after');
  if (raw != null && raw.trim() !== '') {
    if (NUMBER.test(raw)) return Number(raw) * 1000;
    const at = Date.parse(raw);
    if (!Number.isNaN(at)) return Math.max(0, at - nowEpochMs);
  }
  return ms; // 0 when only `retry-after-ms: 0` was sent, else null
}

/**
 * Response headers a scheduler can use: x-ratelimit-*, the IETF draft ratelimit-*, and
 * retry-after*. Names are lower-case (fetch Headers already are).
 */
export function collectRateLimitHeaders(headers: { forEach(cb: (value: string, name: string) => void): void }): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  headers.forEach((value, name) => {
    if (name.startsWith('x-ratelimit-') || name.startsWith('ratelimit') || name.startsWith('retry-after')) {
      out[name] = value;
      n++;
    }
  });
  // In name order whatever order the view gives (node's headers come in arrival order).
  return n < 2 ? out : Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
