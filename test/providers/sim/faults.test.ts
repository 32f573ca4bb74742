import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src/providers/sim/index.ts';
import { chunksOf, postChat, readEvents, simpleBody, type ReceivedEvent } from './sse-read.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ fixedTtftMs: 2, fixedItlMs: 1 });
});
afterAll(() => sim.close());

const PROMPT = 'Tell me about message queues.'; // a generic answer: plenty of tokens before the end
const fault = (f: string, extra: Record<string, string> = {}) => ({ 'x-sim-fault': f, ...extra });

function contentOf(events: ReceivedEvent[]): string {
  return chunksOf(events).map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
}

describe('status faults', () => {
  it('429 carries Retry-After (default 1, or x-sim-retry-after) and an OpenAI error body', async () => {
    const res = await postChat(sim.url, simpleBody('fast', PROMPT), fault('429'));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await res.json()).error.code).toBe('rate_limit_exceeded');
    const res2 = await postChat(sim.url, simpleBody('fast', PROMPT), fault('429', { 'x-sim-retry-after': '7' }));
    expect(res2.headers.get('retry-after')).toBe('7');
    await res2.body?.cancel();
  });

  it('500, 503 and 400 answer JSON errors; 502-html answers an HTML page', async () => {
    for (const [f, status, type] of [['500', 500, 'server_error'], ['503', 503, 'server_error'], ['400', 400, 'invalid_request_error']] as const) {
      const res = await postChat(sim.url, simpleBody('fast', PROMPT), fault(f));
      expect(res.status).toBe(status);
      expect((await res.json()).error.type).toBe(type);
    }
    const res = await postChat(sim.url, simpleBody('fast', PROMPT), fault('502-html'));
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('<h1>502 Bad Gateway</h1>');
  });

  it('the openai client sees the status and Retry-After', async () => {
    const client = new OpenAI({ baseURL: sim.url, apiKey: 'x', maxRetries: 0, defaultHeaders: fault('429', { 'x-sim-retry-after': '3' }) });
    const err = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.status).toBe(429);
    expect(err.headers.get('retry-after')).toBe('3');
  });

  it('rejects an unknown fault name with 400', async () => {
    const res = await postChat(sim.url, simpleBody('fast', PROMPT), fault('meteor-strike'));
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('x-sim-fault');
  });
});

describe('connection faults', () => {
  it('reset-before-headers: the request fails with no response', async () => {
    await expect(postChat(sim.url, simpleBody('fast', PROMPT), fault('reset-before-headers'))).rejects.toThrow();
  });

  it('reset-mid-stream: headers and a few tokens, then the body read fails', async () => {
    const res = await postChat(sim.url, simpleBody('fast', PROMPT), fault('reset-mid-stream'));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let got = '';
    const dec = new TextDecoder();
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        got += dec.decode(value);
      }
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(got).toContain('"content"');
    expect(got).not.toContain('[DONE]');
  });

  it('reset-mid-stream on a non-streaming request cuts the body', async () => {
    const res = await postChat(sim.url, { ...simpleBody('fast', PROMPT), stream: false, stream_options: undefined }, fault('reset-mid-stream'));
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('stall: headers arrive, then nothing until the client gives up', async () => {
    const res = await postChat(sim.url, simpleBody('fast', PROMPT), fault('stall'), AbortSignal.timeout(300));
    expect(res.status).toBe(200);
    const started = performance.now();
    await expect(res.text()).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThan(150);
  });

  it('stall-between-tokens: some tokens, then silence until the client gives up', async () => {
    const res = await postChat(sim.url, simpleBody('fast', PROMPT), fault('stall-between-tokens'), AbortSignal.timeout(400));
    const reader = res.body!.getReader();
    let got = '';
    const dec = new TextDecoder();
    const err = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        got += dec.decode(value);
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((got.match(/"content":"[^"]/g) ?? []).length).toBeGreaterThan(0);
    expect(got).not.toContain('finish_reason":"');
  });

  it('pause-mid-stream: a pause of x-sim-stall-ms between two tokens, then a complete stream', async () => {
    const events = await readEvents(await postChat(sim.url, simpleBody('fast', PROMPT), fault('pause-mid-stream', { 'x-sim-stall-ms': '150' })));
    const tokenTimes = events.filter((e) => /"content":"[^"]/.test(e.data)).map((e) => e.at);
    const gaps = tokenTimes.slice(1).map((t, i) => t - tokenTimes[i]);
    // The stream keeps a fixed timetable: a token sent late under load shortens the next gap, so
    // the pause is checked as "the stream took at least the pause longer than its other gaps".
    const total = tokenTimes.at(-1)! - tokenTimes[0];
    expect(total).toBeGreaterThanOrEqual(145);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(75);
    expect(events.at(-1)!.data).toBe('[DONE]');
  });
});

describe('faults inside a 200 stream', () => {
  it('error-event: an `event: error` with an error object, no [DONE]', async () => {
    const events = await readEvents(await postChat(sim.url, simpleBody('fast', PROMPT), fault('error-event')));
    const err = events.find((e) => e.event === 'error');
    expect(err).toBeDefined();
    expect(JSON.parse(err!.data).error.message).toMatch(/simulated/);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    expect(contentOf(events).length).toBeGreaterThan(0);
  });

  it('error-in-chunk: a data chunk carrying an error object', async () => {
    const events = await readEvents(await postChat(sim.url, simpleBody('fast', PROMPT), fault('error-in-chunk')));
    const withError = chunksOf(events).filter((c) => c.error);
    expect(withError).toHaveLength(1);
    expect(withError[0].error.type).toBe('server_error');
  });

  it('no-done: no finish_reason and no [DONE]', async () => {
    const events = await readEvents(await postChat(sim.url, simpleBody('fast', PROMPT), fault('no-done')));
    expect(contentOf(events).length).toBeGreaterThan(0);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    expect(chunksOf(events).some((c) => c.choices?.[0]?.finish_reason)).toBe(false);
  });

  it('malformed-json: exactly one data line is not JSON, the stream still completes', async () => {
    const events = await readEvents(await postChat(sim.url, simpleBody('fast', PROMPT), fault('malformed-json')));
    const bad = events.filter((e) => {
      if (e.data === '[DONE]') return false;
      try {
        JSON.parse(e.data);
        return false;
      } catch {
        return true;
      }
    });
    expect(bad).toHaveLength(1);
    expect(events.at(-1)!.data).toBe('[DONE]');
  });

  it('no-usage: include_usage is ignored', async () => {
    const events = await readEvents(await postChat(sim.url, simpleBody('fast', PROMPT), fault('no-usage')));
    expect(chunksOf(events).some((c) => c.usage)).toBe(false);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const normal = await readEvents(await postChat(sim.url, simpleBody('fast', PROMPT)));
    expect(chunksOf(normal).some((c) => c.usage)).toBe(true);
  });

  it('gzip: the stream is gzip-encoded and decodes to the same answer', async () => {
    const raw = await new Promise<{ encoding: string | undefined; firstBytes: Buffer }>((resolve, reject) => {
      const u = new URL(`${sim.url}/chat/completions`);
      const req = httpRequest(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'x-sim-fault': 'gzip' } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], firstBytes: Buffer.concat(parts).subarray(0, 2) }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(simpleBody('fast', PROMPT)));
    });
    expect(raw.encoding).toBe('gzip');
    expect([...raw.firstBytes]).toEqual([0x1f, 0x8b]); // gzip magic
    const zipped = contentOf(await readEvents(await postChat(sim.url, simpleBody('fast', PROMPT, { seed: 1 }), fault('gzip'))));
    const plain = contentOf(await readEvents(await postChat(sim.url, simpleBody('fast', PROMPT, { seed: 1 }))));
    expect(zipped).toBe(plain);
  });

  it('combines faults: gzip,no-usage', async () => {
    const events = await readEvents(await postChat(sim.url, simpleBody('fast', PROMPT), fault('gzip,no-usage')));
    expect(chunksOf(events).some((c) => c.usage)).toBe(false);
    expect(contentOf(events).length).toBeGreaterThan(0);
  });
});

describe('x-sim-fail-times', () => {
  it('fails the first N requests with a key, then succeeds', async () => {
    const headers = { 'x-sim-fail-times': '2', 'x-sim-request-key': 'retry-me', 'x-sim-fault': '503' };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await postChat(sim.url, simpleBody('fast', PROMPT), headers);
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses).toEqual([503, 503, 200, 200]);
    // Another key has its own count; the default fault is 500.
    const other = await postChat(sim.url, simpleBody('fast', PROMPT), { 'x-sim-fail-times': '1', 'x-sim-request-key': 'other' });
    expect(other.status).toBe(500);
    await other.arrayBuffer();
  });

  it('lets the openai client recover by retrying', async () => {
    const client = new OpenAI({
      baseURL: sim.url, apiKey: 'x', maxRetries: 2,
      defaultHeaders: { 'x-sim-fail-times': '1', 'x-sim-request-key': 'client-retry', 'x-sim-fault': '429', 'x-sim-retry-after': '0.05' },
    });
    const res = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'What is 2 + 3?' }] });
    expect(res.choices[0].message.content).toMatch(/^\d+$/);
    expect(sim.stats().requests).toBeGreaterThan(0);
  });
});

describe('random faults (model and global)', () => {
  it('the flaky model fails some requests with 5xx/429 and serves the rest', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await postChat(sim.url, simpleBody('flaky', `Reply with exactly: r${i}`));
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    const failed = statuses.filter((s) => s !== 200);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(30);
    expect(failed.every((s) => s === 429 || s >= 500)).toBe(true);
  });

  it('global fault knobs apply to every model', async () => {
    const s = await startSimulator({ fixedTtftMs: 0, fixedItlMs: 0, faults: { rateLimitRate: 1, retryAfterSeconds: 4 } });
    try {
      const res = await postChat(s.url, simpleBody('fast', PROMPT));
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('4');
      await res.arrayBuffer();
    } finally {
      await s.close();
    }
    const r = await startSimulator({ fixedTtftMs: 0, fixedItlMs: 0, faults: { resetRate: 1 } });
    try {
      const res = await postChat(r.url, simpleBody('fast', PROMPT));
      await expect(res.text()).rejects.toThrow();
    } finally {
      await r.close();
    }
  });
});
