import { createParser } from 'eventsource-parser';
import type { Clock } from '../measure/types.ts';

export interface SseHandlers {
  /** One dispatched SSE event, with the arrival time of the bytes that completed it. */
  onEvent(event: string | undefined, data: string, t: number): void;
  /** A line with a field name SSE does not define (llama-box sends `error: {...}`). */
  onUnknownField?(field: string, value: string, t: number): void;
}

/**
 * Read an SSE body to its end. Each chunk is stamped with `now()` the moment `read()` resolves,
 * before decoding or parsing, and every event parsed out of it gets that stamp (DESIGN.md
 * marks). Returns the time the stream closed. Rejects like the reader does (abort, socket reset).
 *
 * At the close an unterminated last event is still dispatched: servers that end with
 * `data: {...}\n` and no blank line happen, and a cut mid-line is caught by the caller
 * (the fragment is not JSON, and finish_reason / [DONE] are missing).
 */
export async function readSseStream(body: ReadableStream<Uint8Array>, now: Clock, h: SseHandlers): Promise<number> {
  let stamp = 0;
  const parser = createParser({
    onEvent: (e) => h.onEvent(e.event, e.data, stamp),
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
      parser.feed(decoder.decode(r.value, { stream: true }));
    }
  } finally {
    reader.releaseLock();
  }
  parser.feed(`${decoder.decode()}\n\n`);
  return stamp;
}
