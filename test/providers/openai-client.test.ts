// The client against a scripted node:http server: injected delays, failures at each phase,
// redaction. Timing bounds are generous (measured >= injected - 1, < injected + 50).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendChatCompletion } from '../../src/providers/openai-client.ts';
import { computeRequestMetrics } from '../../src/measure/metrics.ts';
import type { AttemptRequest, ChatRequestBody, FetchLike } from '../../src/providers/types.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const routes = new Map<string, Handler>();
const seen: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];
let server: Server;
let base = '';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const chunk = (delta: object, finish: string | null = null, extra: object = {}): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
const usageChunk = (completion: number): string =>
  `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: completion, total_tokens: 5 + completion } })}\n\n`;
const DONE = 'data: [DONE]\n\n';

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
}

/** Write each [delayMs, text] step at its time after the request arrived, then end. */
/**
 * Writes each step at its offset. `written` (when given) receives the server's own stamps, on the
 * same clock as the client's marks: [headers written, then each step written].
 */
function script(steps: [number, string][], end: 'end' | 'destroy' | 'hang' = 'end', written?: number[]): Handler {
  return (req, res) => {
    sseHead(res);
    const t0 = performance.now();
    written?.push(t0);
    void (async () => {
      for (const [at, text] of steps) {
        const wait = at - (performance.now() - t0);
        if (wait > 0) await sleep(wait);
        if (res.destroyed) return;
        res.write(text);
        written?.push(performance.now());
      }
      if (end === 'end') res.end();
      else if (end === 'destroy') setTimeout(() => req.socket.destroy(), 20); // let the writes flush first
    })();
  };
}

function route(path: string, h: Handler): string {
  routes.set(path, h);
  return `${base}${path}/v1/chat/completions`;
}

const streamBody: ChatRequestBody = {
  model: 'test-model',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
  stream_options: { include_usage: true },
};

function request(url: string, over: Partial<AttemptRequest> = {}): AttemptRequest {
  return { url, headers: {}, body: streamBody, timeoutMs: 5_000, ...over };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const path = req.url!.replace(/\/v1\/chat\/completions$/, '');
      seen.push({ path, headers: req.headers, body });
      const h = routes.get(path);
      if (h) h(req, res, body);
      else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Node's first fetch loads its HTTP stack (tens of ms): keep that out of the timing tests,
  // as the runner's warm-up does for real runs.
  routes.set('/warm', script([[0, chunk({ content: 'w' }, 'stop')], [0, DONE]]));
  for (let i = 0; i < 2; i++) await sendChatCompletion(request(`${base}/warm/v1/chat/completions`));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('request', () => {
  it('POSTs the JSON body with bearer auth, SSE accept and extra headers', async () => {
    const url = route('/shape', script([[0, chunk({ content: 'x' }, 'stop')], [0, DONE]]));
    const r = await sendChatCompletion(request(url, { apiKey: 'sk-abc', headers: { 'X-Title': 'evalbench' } }));
    expect(r.ok).toBe(true);
    const got = seen.filter((s) => s.path === '/shape').at(-1)!;
    expect(JSON.parse(got.body)).toEqual(streamBody);
    expect(got.headers.authorization).toBe('Bearer sk-abc');
    expect(got.headers.accept).toBe('text/event-stream');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-title']).toBe('evalbench');
  });

  it('sends no Authorization without a key and asks for JSON when not streaming', async () => {
    const url = route('/shape-nostream', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }));
    });
    const r = await sendChatCompletion(request(url, { body: { ...streamBody, stream: false, stream_options: undefined } }));
    expect(r.ok).toBe(true);
    expect(r.content).toBe('ok');
    const got = seen.filter((s) => s.path === '/shape-nostream').at(-1)!;
    expect(got.headers.authorization).toBeUndefined();
    expect(got.headers.accept).toBe('application/json');
  });

  it('one headers object reused across requests: a changed value, key or stream flag is sent as changed', async () => {
    const url = route('/shape-reuse', script([[0, chunk({ content: 'x' }, 'stop')], [0, DONE]]));
    const headers: Record<string, string> = { 'X-Title': 'one' };
    const sent = async (over: Partial<AttemptRequest>) => {
      expect((await sendChatCompletion(request(url, { headers, ...over }))).ok).toBe(true);
      return seen.filter((s) => s.path === '/shape-reuse').at(-1)!.headers;
    };
    expect((await sent({ apiKey: 'sk-1' }))['x-title']).toBe('one');
    headers['X-Title'] = 'two'; // the same object, changed in place
    expect((await sent({ apiKey: 'sk-1' }))['x-title']).toBe('two');
    headers['X-Extra'] = 'e';
    expect((await sent({ apiKey: 'sk-1' }))['x-extra']).toBe('e');
    delete headers['X-Extra'];
    expect((await sent({ apiKey: 'sk-1' }))['x-extra']).toBeUndefined();
    expect((await sent({ apiKey: 'sk-2' })).authorization).toBe('Bearer sk-2');
    expect((await sent({ apiKey: undefined })).authorization).toBeUndefined();
  });
});

/**
 * How late the client may stamp something after the server wrote it: wide, because a busy 2-core
 * machine can stall either side for tens of ms. The injected gaps (60-120 ms) are what tell the
 * marks apart; lower bounds against them are exact.
 */
const DELIVERY_MARGIN_MS = 250;

describe('timing marks', () => {
  it('TTFT ignores the role-only chunk; reasoning sets TTFT, content sets TTFA', async () => {
    const written: number[] = [];
    const url = route('/timing', script([
      [0, chunk({ role: 'assistant', content: '' })],
      [120, chunk({ reasoning_content: 'thinking' })],
      [220, chunk({ content: 'Hel' })],
      [245, chunk({ content: 'lo' })],
      [270, chunk({ content: '!' })],
      [275, chunk({}, 'stop')],
      [275, usageChunk(4)],
      [275, DONE],
    ], 'end', written));
    const r = await sendChatCompletion(request(url));
    expect(r.ok).toBe(true);
    expect(r.reasoning).toBe('thinking');
    expect(r.content).toBe('Hello!');
    const m = computeRequestMetrics(r.marks, r.usage!.completionTokens);
    // Against the server's own stamps: headers at written[0], the role chunk at written[1],
    // reasoning at written[2], the three content chunks at written[3..5].
    const ttfbAt = r.marks.send + m.ttfbMs!;
    expect(ttfbAt).toBeGreaterThanOrEqual(written[0]);
    expect(ttfbAt - written[0]).toBeLessThan(DELIVERY_MARGIN_MS);
    expect(m.ttftMs!).toBeGreaterThanOrEqual(119);
    expect(m.ttfaMs!).toBeGreaterThanOrEqual(219);
    expect(m.ttftMs!).toBeLessThan(m.ttfaMs!);
    expect(r.marks.firstTok! - written[2]).toBeLessThan(DELIVERY_MARGIN_MS);
    // Each token event no earlier than the server wrote it, and not much later.
    const tokenWrites = [written[2], written[3], written[4], written[5]];
    expect(r.marks.tokenTimes).toHaveLength(4);
    r.marks.tokenTimes.forEach((t, i) => {
      expect(t).toBeGreaterThanOrEqual(tokenWrites[i]);
      expect(t - tokenWrites[i]).toBeLessThan(DELIVERY_MARGIN_MS);
    });
    const tt = r.marks.tokenTimes;
    expect(m.itlSamples).toEqual([tt[1] - tt[0], tt[2] - tt[1], tt[3] - tt[2]]);
    expect(m.itlMaxMs).toBe(Math.max(...m.itlSamples));
    // tpot over 4 tokens: (lastTok - firstTok) / 3, injected 150 / 3
    expect(m.tpotMs!).toBeCloseTo((r.marks.lastTok! - r.marks.firstTok!) / 3, 9);
    expect(m.outputTps!).toBeCloseTo(1000 / m.tpotMs!, 9);
    expect(m.latencyMs).toBeGreaterThanOrEqual(274);
  });

  it('TTFB is when headers arrive, before any token', async () => {
    let headAt = 0;
    let tokenAt = 0;
    const url = route('/slow-headers', (_q, res) => {
      setTimeout(() => {
        sseHead(res);
        headAt = performance.now();
        setTimeout(() => {
          res.end(chunk({ content: 'a' }, 'stop') + DONE);
          tokenAt = performance.now();
        }, 80);
      }, 60);
    });
    const r = await sendChatCompletion(request(url));
    const m = computeRequestMetrics(r.marks, 1);
    expect(m.ttfbMs!).toBeGreaterThanOrEqual(59);
    expect(m.ttftMs!).toBeGreaterThanOrEqual(139);
    // Headers stamped when the server sent them, not when the token came (server's own stamps).
    const ttfbAt = r.marks.send + m.ttfbMs!;
    expect(ttfbAt).toBeGreaterThanOrEqual(headAt);
    expect(ttfbAt - headAt).toBeLessThan(DELIVERY_MARGIN_MS);
    expect(r.marks.firstTok! - tokenAt).toBeLessThan(DELIVERY_MARGIN_MS);
    expect(m.ttftMs! - m.ttfbMs!).toBeGreaterThan(0);
    expect(m.tpotMs).toBeNull(); // N = 1
  });

  it('stamps every event with the time its chunk was read, before parsing (injected clock)', async () => {
    let t = 0;
    const now = (): number => ++t; // send=1, hdr=2, then one tick per read
    const enc = new TextEncoder();
    const parts = [
      chunk({ role: 'assistant' }) + chunk({ content: 'a' }) + chunk({ content: 'b' }), // read at 3
      chunk({ content: 'c' }, 'stop') + 'data: [DO', // read at 4
      'NE]\n\n', // read at 5
    ];
    const fakeFetch: FetchLike = async () => {
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          for (const p of parts) c.enqueue(enc.encode(p));
          c.close();
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    };
    const r = await sendChatCompletion(request('http://unused.invalid/v1/chat/completions'), { fetch: fakeFetch, now });
    expect(r.ok).toBe(true);
    expect(r.marks.send).toBe(1);
    expect(r.marks.hdr).toBe(2);
    expect(r.marks.tokenTimes).toEqual([3, 3, 4]);
    expect(r.marks.firstTok).toBe(3);
    expect(r.marks.lastTok).toBe(4);
    expect(r.marks.end).toBe(5); // [DONE] completed in the third read
    expect(r.content).toBe('abc');
  });

  it('splits an inline <think> block cut across chunks; TTFA is the first answer text', async () => {
    const url = route('/think', script([
      [0, chunk({ content: '<thi' })],
      [0, chunk({ content: 'nk>step one' })],
      [30, chunk({ content: ', two</th' })],
      [60, chunk({ content: 'ink>\n\n' })],
      [100, chunk({ content: 'Answer' })],
      [100, chunk({}, 'stop') + DONE],
    ]));
    const r = await sendChatCompletion(request(url));
    expect(r.ok).toBe(true);
    expect(r.reasoning).toBe('step one, two');
    expect(r.content).toBe('Answer');
    const m = computeRequestMetrics(r.marks, null);
    expect(m.ttfaMs!).toBeGreaterThanOrEqual(99);
    expect(m.ttftMs!).toBeLessThan(m.ttfaMs!);
    expect(r.marks.tokenTimes).toHaveLength(5); // every non-empty content delta, tags included
  });
});

describe('failures', () => {
  it('429: rate_limited with Retry-After seconds and rate-limit headers', async () => {
    const url = route('/429', (_q, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2', 'x-ratelimit-remaining-requests': '0' });
      res.end(JSON.stringify({ error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }));
    });
    const r = await sendChatCompletion(request(url));
    expect(r.errorType).toBe('rate_limited');
    expect(r.httpStatus).toBe(429);
    expect(r.retryAfterMs).toBe(2000);
    expect(r.errorMessage).toBe('HTTP 429: rate_limit_exceeded: Rate limit reached for requests');
    expect(r.rateLimitHeaders).toEqual({ 'retry-after': '2', 'x-ratelimit-remaining-requests': '0' });
  });

  it('429: retry-after-ms wins over retry-after; an HTTP-date is relative to now', async () => {
    const msUrl = route('/429ms', (_q, res) => {
      res.writeHead(429, { 'retry-after-ms': '1500', 'retry-after': '9' });
      res.end('slow down');
    });
    const r1 = await sendChatCompletion(request(msUrl));
    expect(r1.retryAfterMs).toBe(1500);
    expect(r1.errorMessage).toBe('HTTP 429: slow down');
    const dateUrl = route('/429date', (_q, res) => {
      res.writeHead(429, { 'retry-after': new Date(Date.now() + 20_000).toUTCString() });
      res.end();
    });
    const r2 = await sendChatCompletion(request(dateUrl));
    // Second-resolution date: between ~19 and 20 s from now.
    expect(r2.retryAfterMs!).toBeGreaterThan(18_000);
    expect(r2.retryAfterMs!).toBeLessThanOrEqual(20_000);
    expect(r2.errorMessage).toBe('HTTP 429: (empty body)');
  });

  it('500 with a JSON body: server_error with the server message', async () => {
    const url = route('/500', (_q, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error' } }));
    });
    const r = await sendChatCompletion(request(url));
    expect(r.errorType).toBe('server_error');
    expect(r.errorMessage).toBe('HTTP 500: The server had an error while processing your request.');
  });

  it('502 HTML page: server_error summarised by its title, never the whole page', async () => {
    const page = `<html><head><title>502 Bad Gateway</title></head><body>${'<p>nginx</p>'.repeat(500)}</body></html>`;
    const url = route('/502', (_q, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(page);
    });
    const r = await sendChatCompletion(request(url));
    expect(r.errorType).toBe('server_error');
    expect(r.errorMessage).toBe('HTTP 502: 502 Bad Gateway');
  });

  it('4xx other than 401/403/429 is bad_request; 403 is auth', async () => {
    const u400 = route('/400', (_q, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: [{ msg: 'field required' }, { msg: 'value is not a valid integer' }] }));
    });
    const r = await sendChatCompletion(request(u400));
    expect(r.errorType).toBe('bad_request');
    expect(r.errorMessage).toBe('HTTP 422: field required; value is not a valid integer');
    const u403 = route('/403', (_q, res) => {
      res.writeHead(403);
      res.end('forbidden');
    });
    expect((await sendChatCompletion(request(u403))).errorType).toBe('auth');
  });

  it('socket reset after headers: stream_reset, keeping the text received', async () => {
    const url = route('/reset-mid', script([[0, chunk({ content: 'partial' })], [20, chunk({ content: ' answer' })]], 'destroy'));
    const r = await sendChatCompletion(request(url));
    expect(r.ok).toBe(false);
    expect(r.errorType).toBe('stream_reset');
    expect(r.httpStatus).toBe(200);
    expect(r.content).toBe('partial answer');
    expect(r.marks.hdr).not.toBeNull();
  });

  it('socket reset before headers: connection', async () => {
    const url = route('/reset-early', (req) => req.socket.destroy());
    const r = await sendChatCompletion(request(url));
    expect(r.errorType).toBe('connection');
    expect(r.httpStatus).toBeNull();
    expect(r.marks.hdr).toBeNull();
    expect(r.errorMessage).toMatch(/^request failed before a response: /);
  });

  it('connection refused: connection, naming the cause', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await sendChatCompletion(request(`http://127.0.0.1:${port}/v1/chat/completions`));
    expect(r.errorType).toBe('connection');
    expect(r.errorMessage).toContain('ECONNREFUSED');
  });

  it('a fetch that throws synchronously still gives a result, never an exception', async () => {
    const boom: FetchLike = () => {
      throw new TypeError('Failed to parse URL');
    };
    const r = await sendChatCompletion(request('not a url'), { fetch: boom });
    expect(r.ok).toBe(false);
    expect(r.errorType).toBe('connection');
    expect(r.errorMessage).toContain('Failed to parse URL');
  });

  it('no headers within timeoutMs: timeout', async () => {
    const url = route('/hang', () => {});
    // The timer starts before the request is built, so it is measured from the call (on a busy
    // machine building the request takes a few ms).
    const t0 = performance.now();
    const r = await sendChatCompletion(request(url, { timeoutMs: 150 }));
    expect(r.errorType).toBe('timeout');
    expect(r.marks.end - t0).toBeGreaterThanOrEqual(149);
    expect(r.marks.end - r.marks.send).toBeLessThan(2_000); // near 150 ms, not the default 60 s: wide for a busy machine
    expect(r.errorMessage).toContain('150 ms');
  });

  it('stream stalls after headers: timeout, keeping the text received', async () => {
    const url = route('/stall', script([[0, chunk({ content: 'so far' })]], 'hang'));
    const r = await sendChatCompletion(request(url, { timeoutMs: 150 }));
    expect(r.errorType).toBe('timeout');
    expect(r.content).toBe('so far');
    expect(r.marks.hdr).not.toBeNull();
  });

  it('run-level abort mid-stream: interrupted (not timeout)', async () => {
    const url = route('/abort', script([[0, chunk({ content: 'x' })]], 'hang'));
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 60);
    const r = await sendChatCompletion(request(url, { signal: ctl.signal, timeoutMs: 5_000 }));
    expect(r.errorType).toBe('interrupted');
    expect(r.marks.end - r.marks.send).toBeLessThan(1_000);
  });

  it('an already-aborted signal: interrupted without sending anything', async () => {
    const url = route('/never', () => {
      throw new Error('must not be called');
    });
    const before = seen.length;
    const r = await sendChatCompletion(request(url, { signal: AbortSignal.abort(new Error('budget reached')) }));
    expect(r.errorType).toBe('interrupted');
    expect(r.errorMessage).toBe('interrupted: budget reached');
    expect(seen.length).toBe(before);
  });

  it('stream ends without finish_reason or [DONE]: truncated', async () => {
    const url = route('/trunc', script([[0, chunk({ content: 'cut ' })], [0, chunk({ content: 'off' })]]));
    const r = await sendChatCompletion(request(url));
    expect(r.errorType).toBe('truncated');
    expect(r.content).toBe('cut off');
  });

  it('finish_reason without [DONE], or [DONE] without finish_reason, is complete', async () => {
    const a = await sendChatCompletion(request(route('/finish-only', script([[0, chunk({ content: 'a' }, 'stop')]]))));
    expect(a.ok).toBe(true);
    expect(a.finishReason).toBe('stop');
    const b = await sendChatCompletion(request(route('/done-only', script([[0, chunk({ content: 'b' })], [0, DONE]]))));
    expect(b.ok).toBe(true);
    expect(b.finishReason).toBeNull();
  });

  it('role-only and empty deltas then stop: empty_response', async () => {
    const url = route('/empty', script([
      [0, chunk({ role: 'assistant', content: '' })],
      [0, chunk({ content: '' })],
      [0, chunk({}, 'stop')],
      [0, usageChunk(0)],
      [0, DONE],
    ]));
    const r = await sendChatCompletion(request(url));
    expect(r.errorType).toBe('empty_response');
    expect(r.marks.firstTok).toBeNull();
    expect(r.usage!.completionTokens).toBe(0);
  });

  it('an error event in a 200 stream: stream_error with the server message', async () => {
    const url = route('/sse-error', script([
      [0, chunk({ content: 'start' })],
      [0, `event: error\ndata: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })}\n\n`],
    ]));
    const r = await sendChatCompletion(request(url));
    expect(r.errorType).toBe('stream_error');
    expect(r.errorMessage).toBe('error in stream: overloaded');
    expect(r.content).toBe('start');
  });

  it('text/html on a 2xx streamed request: invalid_response', async () => {
    const url = route('/html200', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><title>Captive portal</title></head><body>log in</body></html>');
    });
    const r = await sendChatCompletion(request(url));
    expect(r.errorType).toBe('invalid_response');
    expect(r.errorMessage).toContain('Captive portal');
  });

  it('non-JSON 2xx body to a non-streamed request: invalid_response', async () => {
    const url = route('/garbage', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"choices": [');
    });
    const r = await sendChatCompletion(request(url, { body: { ...streamBody, stream: false } }));
    expect(r.errorType).toBe('invalid_response');
    expect(r.errorMessage).toMatch(/^HTTP 200 body is not JSON/);
  });

  it('a server that ignores stream:true and answers JSON is parsed as a whole body', async () => {
    const url = route('/json-for-stream', (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        choices: [{ index: 0, message: { role: 'assistant', content: 'whole' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      }));
    });
    const r = await sendChatCompletion(request(url));
    expect(r.ok).toBe(true);
    expect(r.content).toBe('whole');
    expect(r.marks.firstTok).toBe(r.marks.end);
    expect(r.usage!.totalTokens).toBe(4);
  });
});

describe('secrets', () => {
  const KEY = 'sk-test-0123456789abcdefSECRET';

  it('a server echoing the Authorization header never puts the key in errorMessage', async () => {
    const url = route('/echo-auth', (req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${req.headers.authorization} (key ${KEY})`, code: 'invalid_api_key' } }));
    });
    const r = await sendChatCompletion(request(url, { apiKey: KEY }));
    expect(r.errorType).toBe('auth');
    expect(r.errorMessage).not.toContain(KEY);
    expect(r.errorMessage).not.toContain('0123456789abcdef');
    expect(r.errorMessage).toBe('HTTP 401: invalid_api_key: Incorrect API key provided: [REDACTED] (key [REDACTED])');
  });

  it('redacts keys echoed inside a stream error and credential-like extra headers', async () => {
    const url = route('/echo-stream', (req, res) => {
      sseHead(res);
      res.end(`event: error\ndata: ${JSON.stringify({ error: { message: `bad key ${req.headers['api-key']}` } })}\n\n`);
    });
    const r = await sendChatCompletion(request(url, { headers: { 'api-key': 'azure-secret-value-42' } }));
    expect(r.errorType).toBe('stream_error');
    expect(r.errorMessage).toBe('error in stream: bad key [REDACTED]');
  });
});
