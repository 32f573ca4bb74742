import { describe, expect, it } from 'vitest';
import { keepText, MAX_KEPT_CHARS, MAX_TOOL_CALLS, mergeToolCalls, StreamAccumulator } from '../../src/providers/chunk-parser.ts';
import { MAX_SSE_EVENT_CHARS, MAX_SSE_EVENTS, MAX_SSE_TOTAL_CHARS, readSseStream, SseLimitError } from '../../src/providers/sse-stream.ts';

const ev = (delta: object, finish: string | null = null) =>
  JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] });

function bodyOf(pieces: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < pieces.length) c.enqueue(enc.encode(pieces[i++]));
      else c.close();
    },
  });
}

describe('kept text is capped, measurement is not', () => {
  it('keeps the first maxKept characters of content and reasoning, counts the rest, marks the cut', () => {
    const acc = new StreamAccumulator(10);
    for (let i = 0; i < 5; i++) acc.onEvent(undefined, ev({ content: 'abcd', reasoning_content: 'xyz' }), i);
    acc.onEvent(undefined, ev({}, 'stop'), 5);
    acc.finish();
    expect(acc.content).toBe('abcdabcdab\n…[evalbench: output truncated, kept the first 10 of 20 characters]');
    expect(acc.reasoning).toBe('xyzxyzxyzx\n…[evalbench: output truncated, kept the first 10 of 15 characters]');
    expect(acc.tokenTimes).toEqual([0, 1, 2, 3, 4]);
    expect(acc.lastTok).toBe(4);
    expect(acc.finishReason).toBe('stop');
  });

  it('leaves text within the cap untouched (no note)', () => {
    const acc = new StreamAccumulator(10);
    acc.onEvent(undefined, ev({ content: '0123456789' }), 0);
    acc.finish();
    expect(acc.content).toBe('0123456789');
    expect(acc.droppedContentChars).toBe(0);
  });

  it('the default cap is 1 Mi characters', () => {
    expect(MAX_KEPT_CHARS).toBe(1 << 20);
    const acc = new StreamAccumulator();
    const piece = 'z'.repeat(100_000);
    for (let i = 0; i < 30; i++) acc.onEvent(undefined, ev({ content: piece }), i);
    acc.finish();
    expect(acc.content.startsWith('z'.repeat(MAX_KEPT_CHARS))).toBe(true);
    expect(acc.droppedContentChars).toBe(3_000_000 - MAX_KEPT_CHARS);
  });

  it('keepText never splits a surrogate pair', () => {
    const t = 'ab😀cd';
    expect(keepText(t, 3)).toBe(`ab\n…[evalbench: output truncated, kept the first 2 of ${t.length} characters]`);
    expect(keepText(t, 4).startsWith('ab😀\n')).toBe(true);
    expect(keepText('short', 10)).toBe('short');
  });
});

describe('malformed events', () => {
  it('counts data that looks like JSON but does not parse as malformed; other non-JSON data only as bad', () => {
    const acc = new StreamAccumulator();
    acc.onEvent(undefined, ev({ content: 'a' }), 0);
    acc.onEvent(undefined, '{"choices":[{"delta":{"content":"b', 1);
    acc.onEvent(undefined, 'ping', 2);
    acc.onEvent(undefined, ' [1,', 3);
    expect(acc.badEvents).toBe(3);
    expect(acc.malformedEvents).toBe(2);
    expect(acc.firstMalformed).toBe('{"choices":[{"delta":{"content":"b');
  });
});

describe('readSseStream limits', () => {
  it('rejects with SseLimitError when too much arrives without an event', async () => {
    const acc = new StreamAccumulator();
    const body = bodyOf(['data: ' + 'y'.repeat(60), 'y'.repeat(60), 'y'.repeat(60)]);
    await expect(readSseStream(body, () => 0, acc, { maxEventChars: 100 })).rejects.toBeInstanceOf(SseLimitError);
  });

  it('many events of any total size pass: the limit is per event, not per stream', async () => {
    const acc = new StreamAccumulator();
    const pieces = Array.from({ length: 50 }, () => `data: ${ev({ content: 'x'.repeat(40) })}\n\n`);
    await readSseStream(bodyOf([...pieces, 'data: [DONE]\n\n']), () => 0, acc, { maxEventChars: 200 });
    expect(acc.content.length).toBe(2000);
    expect(acc.sawDone).toBe(true);
  });

  it('comments (keep-alives) reset the count too', async () => {
    const acc = new StreamAccumulator();
    const pieces = Array.from({ length: 50 }, () => ': keep-alive ping ping ping ping\n\n');
    await readSseStream(bodyOf([...pieces, `data: ${ev({ content: 'x' }, 'stop')}\n\n`]), () => 0, acc, { maxEventChars: 100 });
    expect(acc.content).toBe('x');
    expect(MAX_SSE_EVENT_CHARS).toBe(4 << 20);
  });
});

describe('per-response caps (issue 17)', () => {
  it('a tool-call index at or beyond MAX_TOOL_CALLS is a protocol error, not a 4e9-slot array', () => {
    const acc = new StreamAccumulator();
    const t0 = performance.now();
    acc.onEvent(undefined, ev({ tool_calls: [{ index: 4294967294, function: { name: 'f', arguments: '{' } }] }), 0);
    for (let i = 0; i < 1000; i++) acc.onEvent(undefined, ev({ tool_calls: [{ id: `c${i}`, function: { arguments: 'x' } }] }), i);
    acc.finish();
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(acc.protocolError).toMatch(/tool call index 4294967294 is not an integer below 128/);
    expect(acc.toolCalls.length).toBeLessThanOrEqual(MAX_TOOL_CALLS);
  });

  it('indexes below the cap still merge as before; a fractional index is refused', () => {
    const calls: { arguments: string; name?: string }[] = [];
    expect(mergeToolCalls(calls, [{ index: 127, function: { name: 'f', arguments: '{}' } }])).toBeNull();
    expect(calls[127]).toEqual({ arguments: '{}', name: 'f' });
    expect(mergeToolCalls(calls, [{ index: 1.5 }])).toMatch(/not an integer/);
  });

  it('stops reading at maxEvents events with SseLimitError kind "events"', async () => {
    const acc = new StreamAccumulator();
    const pieces = Array.from({ length: 50 }, () => `data: ${ev({ content: 'x' })}\n\n`);
    const err = await readSseStream(bodyOf(pieces), () => 0, acc, { maxEvents: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SseLimitError);
    expect((err as SseLimitError).kind).toBe('events');
    expect(acc.tokenTimes.length).toBe(10);
  });

  it('stops reading at maxTotalChars characters with SseLimitError kind "total"', async () => {
    const acc = new StreamAccumulator();
    const pieces = Array.from({ length: 50 }, () => `data: ${ev({ content: 'x'.repeat(100) })}\n\n`);
    const err = await readSseStream(bodyOf(pieces), () => 0, acc, { maxTotalChars: 1000 }).catch((e: unknown) => e);
    expect((err as SseLimitError).kind).toBe('total');
    expect(acc.tokenTimes.length).toBeLessThan(10);
  });

  it('the default caps', () => {
    expect(MAX_SSE_EVENTS).toBe(1 << 19);
    expect(MAX_SSE_TOTAL_CHARS).toBe(128 << 20);
  });
});
