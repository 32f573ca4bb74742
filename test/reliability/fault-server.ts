import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants as zlibConstants, createGzip, gzipSync } from 'node:zlib';

/**
 * An OpenAI-compatible server on 127.0.0.1 that fails on purpose. The path picks the fault:
 * requests to `${server.base(scenario)}/chat/completions` get `scenario`, so one run can drive
 * every fault at once with one provider per scenario. Delays are short (tens of ms); the
 * "burst" faults count per job (keyed by the last user message), so each job sees the same
 * sequence whatever the interleaving.
 */
export const SCENARIOS = {
  ok: 'a normal answer (streamed or not, as asked)',
  '429-retry-after': 'always 429 with `Retry-After: 0.15` (seconds)',
  '429-no-retry-after': 'always 429, no Retry-After',
  '429-then-ok': 'a storm: the first 2 requests of each job get 429 (no Retry-After), then an answer',
  '500': 'always 500 with an OpenAI error body',
  '5xx-burst': 'first an HTML 502, then a 503, then an answer',
  '400': 'always 400 invalid_request_error',
  'reset-before-headers': 'the socket is destroyed before any byte is written',
  'reset-mid-stream': 'two tokens, then the socket is destroyed',
  'stall-after-headers': '200 + SSE headers, then nothing',
  'stall-between-tokens': 'two tokens, then nothing',
  'malformed-json': 'one data event that is cut-off JSON; the rest is a normal stream',
  'no-done-no-finish': 'tokens, then the stream ends: no finish_reason, no [DONE]',
  'finish-no-done': 'tokens and finish_reason, then the stream ends without [DONE]',
  'done-no-finish': 'tokens, then [DONE] without any finish_reason',
  'big-stream': 'a valid 10 MB stream: 10,000 events of 1,000 characters each',
  'big-json-garbage': '200 application/json, 10 MB that is not JSON',
  'big-text': '200 text/plain, 10 MB of text lines',
  'big-sse-line': '200 text/event-stream, one 10 MB `data:` line that never ends',
  'big-error-body': '500 whose body is 10 MB',
  gzip: 'a normal answer, gzip-encoded (streams flushed per event)',
  'echo-key-401': '401 whose message echoes the Authorization and x-api-key headers',
  'echo-key-stream-error': 'an `event: error` in a 200 stream whose message echoes the key',
  'redirect-other-origin': '307 to another server (another port: another origin)',
  'redirect-localhost': '307 from 127.0.0.1 to localhost (same port, another host)',
  'redirect-same-origin': '307 to another path on this server',
  'redirect-301': '301 to another path on this server',
  'redirect-loop': '307 to itself, forever',
  'redirect-insecure': '307 to http:// on a non-loopback host',
  redirected: 'a normal answer (the redirect target)',
} as const;
export type Scenario = keyof typeof SCENARIOS;

export const BIG_EVENTS = 10_000;
export const BIG_EVENT_CHARS = 1_000;
/** Body size of the 10 MB faults. */
export const BIG_BYTES = 10 * 1024 * 1024;

export interface Hit {
  scenario: string;
  /** The last user message: identifies the job. */
  key: string;
  method: string;
  headers: IncomingHttpHeaders;
  /** ms since the server started. */
  at: number;
}

export interface FaultServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  /** Base URL up to /v1 for a scenario. */
  base(scenario: Scenario): string;
  /** Every chat request received, in arrival order. */
  hits: Hit[];
  hitsOf(scenario: Scenario): Hit[];
  /** Target origin of `redirect-other-origin` (set once the other server is up). */
  redirectOrigin: string;
  close(): Promise<void>;
}

const chunk = (delta: object, finish: string | null = null): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-fault', object: 'chat.completion.chunk', created: 1, model: 'fault', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const usage = (completion: number): string =>
  `data: ${JSON.stringify({ id: 'chatcmpl-fault', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 7, completion_tokens: completion, total_tokens: 7 + completion } })}\n\n`;
const DONE = 'data: [DONE]\n\n';
const completion = (text: string): string =>
  JSON.stringify({
    id: 'chatcmpl-fault', object: 'chat.completion', created: 1, model: 'fault',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
  });
const errorJson = (message: string, type: string): string => JSON.stringify({ error: { message, type, code: null } });

/** The text of a normal answer. */
export const ANSWER = 'hello world';
const normalStream = (): string[] => [chunk({ role: 'assistant', content: '' }), chunk({ content: 'hello' }), chunk({ content: ' world' }), chunk({}, 'stop'), usage(2), DONE];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes pieces in order, waiting for the socket to drain (a 10 MB body never sits in memory at once). */
async function writeAll(res: ServerResponse, pieces: Iterable<string>): Promise<void> {
  for (const p of pieces) {
    if (res.destroyed) return;
    if (!res.write(p)) await new Promise<void>((r) => { res.once('drain', r); res.once('close', r); });
  }
}

function* repeat(piece: string, totalBytes: number): Generator<string> {
  for (let n = 0; n < totalBytes; n += piece.length) yield piece;
}

export async function startFaultServer(): Promise<FaultServer> {
  const t0 = performance.now();
  const hits: Hit[] = [];
  const perKey = new Map<string, number>();
  let port = 0;

  const sse = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
  };
  const answer = (res: ServerResponse, stream: boolean) => {
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(completion(ANSWER));
      return;
    }
    sse(res);
    void writeAll(res, normalStream()).then(() => res.end());
  };
  const redirect = (res: ServerResponse, status: number, location: string) => {
    res.writeHead(status, { location, 'content-type': 'text/plain' }).end(`see ${location}`);
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const m = /^\/([^/]+)\/v1\/(chat\/completions|models)$/.exec(req.url ?? '');
      if (!m) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(errorJson(`no route ${req.url}`, 'not_found'));
        return;
      }
      if (m[2] === 'models') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}');
        return;
      }
      const scenario = m[1] as Scenario;
      let body: { stream?: boolean; messages?: { content?: unknown }[] } = {};
      try {
        body = JSON.parse(raw);
      } catch {
        // a redirected 301 (GET, no body) lands here: answered like any other request
      }
      const key = String(body.messages?.at(-1)?.content ?? '');
      hits.push({ scenario, key, method: req.method ?? '', headers: req.headers, at: performance.now() - t0 });
      const nth = (perKey.get(`${scenario}|${key}`) ?? 0) + 1;
      perKey.set(`${scenario}|${key}`, nth);
      const stream = body.stream === true;

      switch (scenario) {
        case 'ok':
        case 'redirected':
          return answer(res, stream);
        case '429-retry-after':
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0.15' }).end(errorJson('Rate limit reached', 'requests'));
          return;
        case '429-no-retry-after':
          res.writeHead(429, { 'content-type': 'application/json' }).end(errorJson('Rate limit reached', 'requests'));
          return;
        case '429-then-ok':
          if (nth <= 2) {
            res.writeHead(429, { 'content-type': 'application/json' }).end(errorJson('Too many requests', 'requests'));
            return;
          }
          return answer(res, stream);
        case '500':
          res.writeHead(500, { 'content-type': 'application/json' }).end(errorJson('The server had an error', 'server_error'));
          return;
        case '5xx-burst':
          if (nth === 1) {
            res.writeHead(502, { 'content-type': 'text/html' }).end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
            return;
          }
          if (nth === 2) {
            res.writeHead(503, { 'content-type': 'application/json' }).end(errorJson('overloaded', 'server_error'));
            return;
          }
          return answer(res, stream);
        case '400':
          res.writeHead(400, { 'content-type': 'application/json' }).end(errorJson('Unsupported parameter', 'invalid_request_error'));
          return;
        case 'reset-before-headers':
          req.socket.destroy();
          return;
        case 'reset-mid-stream':
          sse(res);
          res.write(chunk({ content: 'hello' }));
          res.write(chunk({ content: ' wor' }));
          setTimeout(() => req.socket.destroy(), 20); // after the writes are flushed
          return;
        case 'stall-after-headers':
          sse(res);
          return;
        case 'stall-between-tokens':
          sse(res);
          res.write(chunk({ content: 'hello' }));
          res.write(chunk({ content: ' wor' }));
          return;
        case 'malformed-json': {
          sse(res);
          const [role, a, b, ...rest] = normalStream();
          void writeAll(res, [role, a, 'data: {"id":"chatcmpl-fault","choices":[{"index":0,"delta":{"content":" cut\n\n', b, ...rest]).then(() => res.end());
          return;
        }
        case 'no-done-no-finish':
          sse(res);
          res.write(chunk({ content: 'hello' }));
          res.end(chunk({ content: ' world' }));
          return;
        case 'finish-no-done':
          sse(res);
          res.write(chunk({ content: 'hello world' }));
          res.end(chunk({}, 'stop'));
          return;
        case 'done-no-finish':
          sse(res);
          res.write(chunk({ content: 'hello world' }));
          res.end(DONE);
          return;
        case 'big-stream': {
          sse(res);
          const piece = chunk({ content: 'abcdefghij'.repeat(BIG_EVENT_CHARS / 10) });
          const pieces = function* () {
            for (let i = 0; i < BIG_EVENTS; i++) yield piece;
            yield chunk({}, 'stop');
            yield usage(BIG_EVENTS * 250);
            yield DONE;
          };
          void writeAll(res, pieces()).then(() => res.end());
          return;
        }
        case 'big-json-garbage':
          res.writeHead(200, { 'content-type': 'application/json' });
          void writeAll(res, repeat('x{"not json'.repeat(100), BIG_BYTES)).then(() => res.end());
          return;
        case 'big-text':
          res.writeHead(200, { 'content-type': 'text/plain' });
          void writeAll(res, repeat('lorem ipsum dolor sit amet\n'.repeat(40), BIG_BYTES)).then(() => res.end());
          return;
        case 'big-sse-line':
          sse(res);
          res.write('data: ');
          void writeAll(res, repeat('y'.repeat(4096), BIG_BYTES)).then(() => res.end());
          return;
        case 'big-error-body':
          res.writeHead(500, { 'content-type': 'text/plain' });
          void writeAll(res, repeat('internal error '.repeat(100), BIG_BYTES)).then(() => res.end());
          return;
        case 'gzip': {
          if (!stream) {
            const gz = gzipSync(completion(ANSWER));
            res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': gz.length }).end(gz);
            return;
          }
          res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
          const gz = createGzip();
          gz.pipe(res);
          void (async () => {
            for (const p of normalStream()) {
              gz.write(p);
              await new Promise<void>((r) => gz.flush(zlibConstants.Z_SYNC_FLUSH, () => r()));
              await sleep(5);
            }
            gz.end();
          })();
          return;
        }
        case 'echo-key-401':
          res.writeHead(401, { 'content-type': 'application/json' }).end(
            errorJson(`Incorrect API key provided: ${req.headers.authorization}; x-api-key was ${req.headers['x-api-key']}`, 'invalid_request_error'),
          );
          return;
        case 'echo-key-stream-error':
          sse(res);
          res.write(chunk({ content: 'hel' }));
          res.end(`event: error\ndata: ${errorJson(`key ${String(req.headers.authorization).slice(7)} is over quota`, 'insufficient_quota')}\n\n`);
          return;
        case 'redirect-other-origin':
          return redirect(res, 307, `${server_.redirectOrigin}/redirected/v1/chat/completions`);
        case 'redirect-localhost':
          return redirect(res, 307, `http://localhost:${port}/redirected/v1/chat/completions`);
        case 'redirect-same-origin':
          return redirect(res, 307, '/redirected/v1/chat/completions');
        case 'redirect-301':
          return redirect(res, 301, '/redirected/v1/chat/completions');
        case 'redirect-loop':
          return redirect(res, 307, req.url ?? '/');
        case 'redirect-insecure':
          return redirect(res, 307, 'http://insecure.example.invalid/v1/chat/completions');
        default:
          res.writeHead(404, { 'content-type': 'application/json' }).end(errorJson(`unknown scenario ${scenario}`, 'not_found'));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const server_: FaultServer = {
    origin,
    port,
    base: (scenario) => `${origin}/${scenario}/v1`,
    hits,
    hitsOf: (scenario) => hits.filter((h) => h.scenario === scenario),
    redirectOrigin: origin,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections(); // also ends the stalled streams
        server.close(() => r());
      }),
  };
  return server_;
}

/** A 127.0.0.1 port with nothing listening (bound, then released). */
export async function refusedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}
