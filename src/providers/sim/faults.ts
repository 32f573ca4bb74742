import type { SeededRandom } from './seeded-random.ts';

/** Random faults, as shares of requests (0..1). Their sum should stay <= 1. */
export interface FaultRates {
  /** HTTP 500/503 with an OpenAI-style error body. */
  errorRate: number;
  /** HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitRate: number;
  retryAfterSeconds: number;
  /** The connection is destroyed after a few streamed tokens. */
  resetRate: number;
  /** The stream pauses `stallMs` after a few tokens, then goes on (a client timeout may fire first). */
  stallRate: number;
  stallMs: number;
}

export const NO_FAULTS: FaultRates = {
  errorRate: 0,
  rateLimitRate: 0,
  retryAfterSeconds: 1,
  resetRate: 0,
  stallRate: 0,
  stallMs: 0,
};

/**
 * Faults a test can ask for with `x-sim-fault` (comma-separated to combine, e.g. `gzip,no-usage`).
 * - 429: rate limited, `Retry-After: <x-sim-retry-after or 1>`
 * - 500 / 503: server error JSON; 502-html: an HTML 502 page (what a proxy returns)
 * - 400: invalid_request_error JSON
 * - reset-before-headers: the socket is destroyed before any byte is written
 * - reset-mid-stream: the socket is destroyed after a few tokens
 * - stall: 200 headers, then nothing until the client gives up
 * - stall-between-tokens: a few tokens, then nothing until the client gives up
 * - pause-mid-stream: a few tokens, a `stallMs` pause (x-sim-stall-ms, default 1000), then the rest
 * - error-event: a few tokens, then `event: error` + `data: {"error":{...}}` in the 200 stream, then the end
 * - error-in-chunk: a few tokens, then a chunk carrying an `error` object (as OpenRouter does), then [DONE]
 * - no-done: the stream ends without a finish_reason chunk and without [DONE]
 * - malformed-json: one SSE data line that is not valid JSON, the rest normal
 * - no-usage: ignore stream_options.include_usage (and omit usage when not streaming)
 * - gzip: the response is gzip-encoded (streamed with a sync flush per event)
 */
export const FAULT_KINDS = [
  '429', '500', '503', '502-html', '400', 'reset-before-headers', 'reset-mid-stream', 'stall',
  'stall-between-tokens', 'pause-mid-stream', 'error-event', 'error-in-chunk', 'no-done', 'malformed-json',
  'no-usage', 'gzip',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const KNOWN = new Set<string>(FAULT_KINDS);

/** Parse `x-sim-fault`; unknown names are returned apart so the server can answer 400. */
export function parseFaultHeader(value: string | undefined): { faults: Set<FaultKind>; unknown: string[] } {
  const faults = new Set<FaultKind>();
  const unknown: string[] = [];
  if (!value) return { faults, unknown };
  for (const raw of value.split(',')) {
    const name = raw.trim().toLowerCase();
    if (!name) continue;
    if (KNOWN.has(name)) faults.add(name as FaultKind);
    else unknown.push(name);
  }
  return { faults, unknown };
}

/** Faults that replace the response before any 200 is sent. */
export const STATUS_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['429', '500', '503', '502-html', '400', 'reset-before-headers']);

/**
 * `x-sim-fail-times: N` + `x-sim-request-key: K`: the first N requests with key K get the fault,
 * later ones succeed (to test retries). Bounded so a long benchmark cannot grow it forever.
 */
export class FailTimesRegistry {
  private readonly seen = new Map<string, number>();
  constructor(private readonly maxKeys = 100_000) {}

  /** Count this request under `key`; true while the key has been seen at most `times` times. */
  shouldFail(key: string, times: number): boolean {
    const n = (this.seen.get(key) ?? 0) + 1;
    if (this.seen.size >= this.maxKeys && !this.seen.has(key)) this.seen.clear();
    this.seen.set(key, n);
    return n <= times;
  }
}

/** The random fault (if any) one request gets, from one seeded draw. */
export type RandomFault = 'server-error' | 'rate-limit' | 'reset' | 'stall' | null;

export function drawRandomFault(rates: FaultRates, rng: SeededRandom): RandomFault {
  const u = rng.next();
  let edge = rates.errorRate;
  if (u < edge) return 'server-error';
  edge += rates.rateLimitRate;
  if (u < edge) return 'rate-limit';
  edge += rates.resetRate;
  if (u < edge) return 'reset';
  edge += rates.stallRate;
  if (u < edge) return 'stall';
  return null;
}

/** Model faults with the global knobs laid over them, field by field. */
export function mergeFaultRates(model: Partial<FaultRates> | undefined, global: Partial<FaultRates> | undefined): FaultRates {
  return { ...NO_FAULTS, ...model, ...global };
}
