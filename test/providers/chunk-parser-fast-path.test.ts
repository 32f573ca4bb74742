// The content-only fast path of StreamAccumulator must change nothing: every recorded server body
// is read both ways (fast path on, and everything through JSON.parse) and compared field by field.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentOnly, StreamAccumulator } from '../../src/providers/chunk-parser.ts';
import { SseFeeder } from '../../src/providers/sse-stream.ts';

const DIR = path.resolve(import.meta.dirname, '../fixtures/recorded');
const sseFixtures = [...readdirSync(DIR).map((f) => path.join(DIR, f)), ...readdirSync(path.join(DIR, 'extras')).map((f) => path.join(DIR, 'extras', f))]
  .filter((f) => f.endsWith('.sse'));

function read(body: Buffer, fast: boolean, piece: number): StreamAccumulator {
  const acc = new StreamAccumulator(undefined, fast);
  const feeder = new SseFeeder(acc);
  let t = 0;
  for (let i = 0; i < body.length; i += piece) feeder.push(body.subarray(i, i + piece), ++t);
  feeder.end(++t);
  acc.finish();
  return acc;
}

function observable(a: StreamAccumulator) {
  return {
    content: a.content, reasoning: a.reasoning, toolCalls: a.compactToolCalls(), usageRaw: a.usageRaw, finishReason: a.finishReason,
    streamError: a.streamError, sawDone: a.sawDone, doneAt: a.doneAt, jsonEvents: a.jsonEvents, badEvents: a.badEvents,
    malformedEvents: a.malformedEvents, firstMalformed: a.firstMalformed, unknownFields: a.unknownFields,
    firstTok: a.firstTok, firstAnswer: a.firstAnswer, lastTok: a.lastTok, tokenTimes: [...a.tokenTimes],
  };
}

describe('content-only fast path on every recorded fixture', () => {
  it('there are recorded streams to check', () => {
    expect(sseFixtures.length).toBeGreaterThanOrEqual(15);
  });
  let fastTotal = 0;
  for (const file of sseFixtures) {
    it(`${path.basename(file)}: identical with and without the fast path`, () => {
      const body = readFileSync(file);
      for (const piece of [body.length, 97, 7]) {
        const fast = read(body, true, piece);
        const slow = read(body, false, piece);
        expect(slow.fastEvents).toBe(0);
        expect(observable(fast)).toEqual(observable(slow));
        if (piece === body.length) fastTotal += fast.fastEvents;
      }
    });
  }
  it('the fast path was actually taken on real streams', () => {
    expect(fastTotal).toBeGreaterThan(100);
    const openai = read(readFileSync(path.join(DIR, 'openai-gpt-4o-mini-stream-text-include-usage.sse')), true, 1 << 20);
    // every event but the role chunk, the finish chunk and the usage chunk
    expect(openai.fastEvents).toBeGreaterThanOrEqual(openai.jsonEvents - 3);
  });
});

describe('contentOnly', () => {
  const chunk = (delta: string, extra = '') => `{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":null${extra}}],"usage":null}`;
  it('takes plain and escaped content, as JSON.parse reads it', () => {
    expect(contentOnly(chunk('{"content":"Hello"}'))).toBe('Hello');
    const esc = '{"content":"a\\"b\\\\c\\n\\u00e9\\ud83d\\ude00 é"}';
    expect(contentOnly(chunk(esc))).toBe(JSON.parse(esc).content);
    expect(contentOnly(chunk('{"role":"assistant","content":"","refusal":null}'))).toBe('');
    expect(contentOnly(chunk('{"content":"x"}', ',"token_ids":null'))).toBe('x');
  });
  it('leaves every chunk with another effect to JSON.parse', () => {
    expect(contentOnly(chunk('{"content":"x"}').replace('"finish_reason":null', '"finish_reason":"stop"'))).toBeNull();
    expect(contentOnly(chunk('{"content":"x"}').replace('"usage":null', '"usage":{"prompt_tokens":1}'))).toBeNull();
    expect(contentOnly(chunk('{"content":"x"}').replace('"index":0', '"index":1'))).toBeNull();
    expect(contentOnly(chunk('{"content":"x","reasoning_content":"hm"}'))).toBeNull();
    expect(contentOnly(chunk('{"content":"x","tool_calls":[]}'))).toBeNull();
    expect(contentOnly(chunk('{"content":["x"]}'))).toBeNull();
    expect(contentOnly(chunk('{"content":"x"}').replace('"usage":null', '"error":"boom"'))).toBeNull();
    expect(contentOnly(chunk('{"content": "x"}'))).toBeNull();
    expect(contentOnly(chunk('{"content":"x\u0001"}'))).toBeNull(); // a raw control character: invalid JSON
    expect(contentOnly(chunk('{"content":"x"}').replace('"created":1', '"created":01'))).toBeNull();
    expect(contentOnly(chunk('{"content":"x"}').slice(0, -1))).toBeNull();
    expect(contentOnly('[DONE]')).toBeNull();
  });
});
