import { createParser } from 'eventsource-parser';
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

/** The body broke a reading limit: it is not a usable event stream. The reader was cancelled. */
export class SseLimitError extends Error {
  constructor(readonly limitChars: number) {
    super(`more than ${limitChars} characters without a complete SSE event`);
    this.name = 'SseLimitError';
  }
}

export interface SseReadOptions {
  maxEventChars?: number;
}

/**
 * Read an SSE body to its end. Each chunk is stamped with `now()` the moment `read()` resolves,
 * before decoding or parsing, and every event parsed out of it gets that stamp (DESIGN.md
 * marks). Returns the time the stream closed. Rejects like the reader does (abort, socket reset),
 * or with SseLimitError when `maxEventChars` pass without an event (memory stays bounded).
 *
 * At the close an unterminated last event is still dispatched: servers that end with
 * `data: {...}\n` and no blank line happen, and a cut mid-line is caught by the caller
 * (the fragment is not JSON, and finish_reason / [DONE] are missing).
 */
export async function readSseStream(
  body: ReadableStream<Uint8Array>, now: Clock, h: SseHandlers, opts: SseReadOptions = {},
): Promise<number> {
  const maxChars = opts.maxEventChars ?? MAX_SSE_EVENT_CHARS;
  let stamp = 0;
  // Characters fed since the last event or comment (a chunk's tail after its last event is
  // forgotten: the bound is loose by one chunk, and costs one addition per chunk).
  let pending = 0;
  const parser = createParser({
    onEvent: (e) => {
      pending = 0;
      h.onEvent(e.event, e.data, stamp);
    },
    onComment: () => {
      pending = 0;
    },
    onError: (err) => {
      if (err.type === 'unknown-field') h.onUnknownField?.(err.field ?? '', err.value ?? '', stamp);
    },
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const r = await reader.read();
      stamp = now();
      if (r.done) break;
      const text = decoder.decode(r.value, { stream: true });
      pending += text.length;
      if (pending > maxChars) {
        await reader.cancel().catch(() => {});
        throw new SseLimitError(maxChars);
      }
      parser.feed(text);
    }
  } finally {
    reader.releaseLock();
  }
  parser.feed(`${decoder.decode()}\n\n`);
  return stamp;
}
