import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { Clock } from '../measure/types.ts';

export interface SseHandlers {
  /** One dispatched SSE event, with the arrival time of the bytes that completed it. */
  onEvent(event: string | undefined, data: string, t: number): void;
  /** A line with a field name SSE does not define (llama-box sends `error: {...}`). */
  onUnknownField?(field: string, value: string, t: number): void;
}

/**
 * Most characters between two dispatched events (or comments): bounds what the parser buffers
 * for one unterminated line or one many-line event. A chat chunk is a few hundred bytes; 4 Mi
 * characters is only reached by a body that is not an event stream (or one that never ends an event).
 */
export const MAX_SSE_EVENT_CHARS = 4 << 20;

/**
 * Most events and characters one response may carry. Every event is parsed and stamped, so
 * without a bound a small gzip body inflating to 500 MB of valid events held 922 MB and made a
 * 12.5 MB row. 512 Ki events is four times the largest completion any API allows (128k tokens
 * plus reasoning); 128 Mi characters is ~250 characters per event at that count.
 */
export const MAX_SSE_EVENTS = 1 << 19;
export const MAX_SSE_TOTAL_CHARS = 128 << 20;

/**
 * The body broke a reading limit: it is not a usable event stream (`event`: too much without a
 * complete event) or is larger than any real answer (`events`, `total`). The reader was cancelled.
 */
export class SseLimitError extends Error {
  constructor(readonly limitChars: number, readonly kind: 'event' | 'events' | 'total' = 'event') {
    super(
      kind === 'event' ? `more than ${limitChars} characters without a complete SSE event`
        : kind === 'events' ? `more than ${limitChars} SSE events in one response; not read further`
          : `more than ${limitChars} characters in one response; not read further`,
    );
    this.name = 'SseLimitError';
  }
}

export interface SseReadOptions {
  maxEventChars?: number;
  /** Default MAX_SSE_EVENTS. */
  maxEvents?: number;
  /** Default MAX_SSE_TOTAL_CHARS. */
  maxTotalChars?: number;
}

/**
 * Push-driven SSE reading: the transport hands over each body chunk with the time its bytes
 * arrived (taken before any decoding), and every event parsed out of it gets that stamp
 * (docs/metrics.md marks). Synchronous, with no allocation per chunk beyond the decoded string, so
 * both transports (node:http 'data' events, a fetch body reader) feed the same code.
 *
 * UTF-8 split across chunks is carried over by a streaming decoder; a leading BOM is dropped
 * by the parser.
 */
export class SseFeeder {
  private stamp = 0;
  /**
   * Characters fed since the last event or comment (a chunk's tail after its last event is
   * forgotten: the bound is loose by one chunk, and costs one addition per chunk).
   */
  private pending = 0;
  private readonly decoder = new StringDecoder('utf8');
  private readonly parser: EventSourceParser;
  private readonly maxChars: number;
  private events = 0;
  private total = 0;
  private readonly maxEvents: number;
  private readonly maxTotal: number;

  constructor(h: SseHandlers, opts: SseReadOptions = {}) {
    this.maxChars = opts.maxEventChars ?? MAX_SSE_EVENT_CHARS;
    this.maxEvents = opts.maxEvents ?? MAX_SSE_EVENTS;
    this.maxTotal = opts.maxTotalChars ?? MAX_SSE_TOTAL_CHARS;
    this.parser = createParser({
      onEvent: (e) => {
        this.pending = 0;
        // Thrown through parser.feed() and push(): the caller stops reading.
        if (++this.events > this.maxEvents) throw new SseLimitError(this.maxEvents, 'events');
        h.onEvent(e.event, e.data, this.stamp);
      },
      onComment: () => {
        this.pending = 0;
      },
      onError: (err) => {
        if (err.type === 'unknown-field') h.onUnknownField?.(err.field ?? '', err.value ?? '', this.stamp);
      },
    });
  }

  /** One body chunk, arrived at `t`. Throws SseLimitError when a limit (SseReadOptions) is passed. */
  push(chunk: Uint8Array, t: number): void {
    this.stamp = t;
    const text = this.decoder.write(chunk as Buffer);
    this.pending += text.length;
    this.total += text.length;
    if (this.pending > this.maxChars) throw new SseLimitError(this.maxChars);
    if (this.total > this.maxTotal) throw new SseLimitError(this.maxTotal, 'total');
    if (text.length > 0) this.parser.feed(text);
  }

  /**
   * The body ended at `t`. An unterminated last event is still dispatched: servers that end
   * with `data: {...}\n` and no blank line happen, and a cut mid-line is caught by the caller
   * (the fragment is not JSON, and finish_reason / [DONE] are missing).
   */
  end(t: number): void {
    this.stamp = t;
    this.parser.feed(`${this.decoder.end()}\n\n`);
  }
}

/**
 * Read a web-stream SSE body to its end through an SseFeeder. Each chunk is stamped with `now()`
 * the moment `read()` resolves. Returns the time the stream closed. Rejects like the reader does
 * (abort, socket reset), or with SseLimitError (the reader is cancelled first).
 */
export async function readSseStream(
  body: ReadableStream<Uint8Array>, now: Clock, h: SseHandlers, opts: SseReadOptions = {},
): Promise<number> {
  const feeder = new SseFeeder(h, opts);
  const reader = body.getReader();
  let stamp: number;
  try {
    for (;;) {
      const r = await reader.read();
      stamp = now();
      if (r.done) break;
      try {
        feeder.push(r.value, stamp);
      } catch (err) {
        await reader.cancel().catch(() => {});
        throw err;
      }
    }
  } finally {
    reader.releaseLock();
  }
  feeder.end(stamp);
  return stamp;
}
