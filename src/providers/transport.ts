import type { Clock } from '../measure/types.ts';

/**
 * What the client needs from HTTP: one POST, its response head, its body as stamped chunks.
 * Two implementations: node:http/https (http-transport.ts, the default: no web streams, a
 * callback per chunk) and any fetch (fetch-transport.ts: tests inject one). The client above
 * them (openai-client.ts) does redirects, limits, parsing and classification once, so both
 * give the same AttemptResult for the same server.
 */
export interface Transport {
  /**
   * Send `payload` as a POST to `url` with exactly `headers` (lower-case names). Redirects are
   * not followed: a 3xx is a response like any other. Never throws: a request that cannot even
   * start has a rejected `response`.
   */
  post(url: string, headers: Record<string, string>, payload: string, now: Clock): Exchange;
}

/** One request in flight. */
export interface Exchange {
  /**
   * `now()` just before the request was written. node:http updates it when the request gets its
   * socket (the bytes go out right after), so read it once `response` has settled.
   */
  readonly sentAt: number;
  /** The response head. Rejects on a transport error before it (refused, reset, TLS...) or on abort. */
  readonly response: Promise<TransportResponse>;
  /** Stop now (timeout, interrupt): whatever is pending rejects with `reason`; the connection is closed. */
  abort(reason: Error): void;
  /** The attempt is over: a body not read to its end is discarded and its connection closed. */
  release(): void;
}

/** Response headers, names lower-case, repeated values joined with ', ' (as fetch's Headers); `forEach` in no promised order. */
export interface HeaderView {
  get(name: string): string | null;
  forEach(fn: (value: string, name: string) => void): void;
}

/** Where body chunks go; return false to stop reading. */
export interface ChunkSink {
  push(chunk: Uint8Array, t: number): boolean | void;
}

export interface TransportResponse {
  readonly status: number;
  readonly headers: HeaderView;
  /** `now()` when the head arrived (in the transport's own callback). */
  readonly receivedAt: number;
  /**
   * Read the body: `sink.push(bytes, t)` for each piece, decoded per Content-Encoding, `t` the
   * arrival time of its bytes taken before any decoding. `push` returns false to stop reading
   * (the rest is discarded, the connection closed, and the promise resolves); if it throws,
   * reading stops the same way and the promise rejects with that error.
   * Resolves with the time the body ended: `now()` taken as its last bytes arrived (before any
   * decoding or queueing), so a caller's own continuation never lands in it. Rejects on a
   * transport error or an abort.
   * At most once per response.
   */
  read(sink: ChunkSink): Promise<number>;
}
