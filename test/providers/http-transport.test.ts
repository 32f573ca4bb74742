// The default node:http transport against the fetch one it replaced: the same AttemptResult for
// every recorded fixture (plain and compressed) and every fault, then what only the node path
// does: stamps per 'data' chunk, content decoding, keep-alive, one abort listener per request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners, setMaxListeners } from 'node:events';
import { abortSubscriberCount } from '../../src/providers/abort-fanout.ts';
import { constants as zc, createGzip } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sendChatCompletion } from '../../src/providers/openai-client.ts';
import { httpTransport, warmConnection } from '../../src/providers/http-transport.ts';
import type { AttemptRequest, AttemptResult, ChatRequestBody } from '../../src/providers/types.ts';
import type { Marks } from '../../src/measure/types.ts';
import { listFixtures, meta, startFixtureServer, type FixtureServer, type ReplayEncoding } from './fixture-server.ts';
import { startFaultServer, type FaultServer, type Scenario } from '../reliability/fault-server.ts';

const KEY = 'sk-transport-test-0123456789';
const HEADER_KEY = 'hk-transport-secret-42';
const viaFetch = { fetch: globalThis.fetch };

/**
 * Marks as comparable across two runs: which are set, how many token events, and which token
 * event each mark is. Events that arrived in one chunk share a stamp, and the two transports may
 * cut the body differently, so a mark is known as a range of ordinals [events before it, events
 * at or before it) and two runs agree when their ranges overlap (checked in `expectSameRun`).
 */
function markShape(m: Marks) {
  const t = m.tokenTimes;
  const range = (x: number | null) =>
    x === null ? null : t.length === 0 ? (x === m.end ? 'end' : 'other') : [t.filter((y) => y < x).length, t.filter((y) => y <= x).length];
  return {
    hdr: m.hdr !== null,
    firstTok: range(m.firstTok),
    firstAnswer: range(m.firstAnswer),
    lastTok: range(m.lastTok),
    tokenEvents: t.length,
    ordered: t.every((x, i) => i === 0 || x >= t[i - 1]) && (m.hdr === null || m.hdr >= m.send) && m.end >= (m.lastTok ?? m.send),
  };
}

/** The whole result minus clock readings; transport-worded messages (connection, reset) by type only. */
function comparable(r: AttemptResult) {
  const transportWorded = r.errorType === 'connection' || r.errorType === 'stream_reset';
  return { ...r, marks: markShape(r.marks), errorMessage: transportWorded ? r.errorMessage !== null : r.errorMessage };
}

type Range = ReturnType<typeof markShape>['firstTok'];
const overlap = (a: Range, b: Range): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a[0] < b[1] && b[0] < a[1] : a === b;

function expectSameRun(got: AttemptResult, want: AttemptResult, label = ''): void {
  const g = comparable(got);
  const w = comparable(want);
  for (const k of ['firstTok', 'firstAnswer', 'lastTok'] as const) {
    expect(overlap(g.marks[k], w.marks[k]), `${label} ${k}: ${JSON.stringify(g.marks[k])} vs ${JSON.stringify(w.marks[k])}`).toBe(true);
  }
  const strip = (c: typeof g) => ({ ...c, marks: { ...c.marks, firstTok: 0, firstAnswer: 0, lastTok: 0 } });
  expect(strip(g), label).toEqual(strip(w));
}

const streamBody = (stream: boolean, content = 'hi'): ChatRequestBody => ({
  model: 'm', messages: [{ role: 'user', content }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}),
});

describe('the same AttemptResult through node:http and through fetch', () => {
  let fx: FixtureServer;
  beforeAll(async () => {
    fx = await startFixtureServer();
  });
  afterAll(async () => {
    await fx.close();
  });

  const replay = (name: string, enc: ReplayEncoding, deps = {}) =>
    sendChatCompletion({ url: fx.url(name, enc), apiKey: KEY, headers: {}, body: streamBody(name.endsWith('.sse')), timeoutMs: 10_000 }, deps);

  for (const name of listFixtures()) {
    it(name, async () => {
      const viaHttp = await replay(name, 'identity');
      expect(viaHttp.httpStatus).toBe(meta(name).status.code);
      expectSameRun(viaHttp, await replay(name, 'identity', viaFetch), 'fetch');
      // Compressed on the wire, decoded by our transport (gzip, deflate with and without its zlib
      // wrapper, brotli): the same result as the plain body.
      for (const enc of ['gzip', 'deflate', 'deflate-raw', 'br'] as const) {
        expectSameRun(await replay(name, enc), viaHttp, enc);
      }
      expectSameRun(await replay(name, 'gzip', viaFetch), viaHttp, 'fetch gzip');
    });
  }
});

describe('the same AttemptResult for every fault, both transports', () => {
  let a: FaultServer;
  let b: FaultServer;
  beforeAll(async () => {
    [a, b] = await Promise.all([startFaultServer(), startFaultServer()]);
    a.redirectOrigin = b.origin;
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  // big-stream (10 MB, kept in part) runs in the fault matrix; everything else here.
  const cases: [Scenario, boolean][] = [
    ['ok', true], ['ok', false], ['429-retry-after', true], ['500', true], ['400', true], ['reset-before-headers', true],
    ['reset-mid-stream', true], ['stall-after-headers', true], ['stall-between-tokens', true], ['malformed-json', true],
    ['no-done-no-finish', true], ['finish-no-done', true], ['done-no-finish', true], ['big-json-garbage', false],
    ['big-text', true], ['big-sse-line', true], ['big-error-body', true], ['gzip', true], ['gzip', false],
    ['echo-key-401', true], ['echo-key-stream-error', true], ['redirect-other-origin', true], ['redirect-localhost', true],
    ['redirect-same-origin', true], ['redirect-301', true], ['redirect-loop', true], ['redirect-insecure', true],
  ];
  it.each(cases)('%s (stream: %s)', async (scenario, stream) => {
    const req = (who: string): AttemptRequest => ({
      url: `${a.base(scenario)}/chat/completions`, apiKey: KEY, headers: { 'x-api-key': HEADER_KEY },
      body: streamBody(stream, `${scenario} ${stream} ${who}`),
      // Stalls must time out (after their headers arrived); the rest must finish, even on a busy machine.
      timeoutMs: scenario.startsWith('stall') ? 2_000 : 15_000,
    });
    const viaHttp = await sendChatCompletion(req('http'));
    const viaFetchR = await sendChatCompletion(req('fetch'), viaFetch);
    expectSameRun(viaHttp, viaFetchR);
    expect(JSON.stringify(viaHttp)).not.toContain(KEY);
    expect(JSON.stringify(viaHttp)).not.toContain(HEADER_KEY);
  });
});

// A server whose handlers tests set per path.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const connections: string[] = [];
let server: Server;
let base = '';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const chunk = (delta: object, finish: string | null = null): string =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const DONE = 'data: [DONE]\n\n';

function route(path: string, h: Handler): string {
  routes.set(path, h);
  return `${base}${path}/v1/chat/completions`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const h = routes.get(req.url!.replace(/\/v1\/chat\/completions$/, ''));
      if (h) h(req, res);
      else res.writeHead(404).end();
    });
  });
  server.on('connection', (s) => connections.push(`${s.remotePort}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const request = (url: string, over: Partial<AttemptRequest> = {}): AttemptRequest => ({
  url, headers: {}, body: streamBody(true), timeoutMs: 5_000, ...over,
});

/** Writes each [atMs, bytes] step after the request came, through `out` (the response or a gzip stream). */
function paced(steps: [number, string | Buffer][], encoding?: 'gzip'): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', ...(encoding ? { 'content-encoding': encoding } : {}) });
    res.flushHeaders();
    const gz = encoding ? createGzip() : null;
    gz?.pipe(res);
    const t0 = performance.now();
    void (async () => {
      for (const [at, bytes] of steps) {
        const wait = at - (performance.now() - t0);
        if (wait > 0) await sleep(wait);
        if (gz) {
          gz.write(bytes);
          await new Promise<void>((r) => gz.flush(zc.Z_SYNC_FLUSH, () => r()));
        } else res.write(bytes);
      }
      if (gz) gz.end();
      else res.end();
    })();
  };
}

describe('node:http transport', () => {
  it('stamps each body chunk when it arrives, before decoding; events share their chunk\'s stamp (injected clock)', async () => {
    let t = 0;
    const now = (): number => ++t; // 1 at request creation, send=2 at 'socket', hdr=3, then one tick per 'data' chunk
    const url = route('/stamps', paced([
      [40, chunk({ role: 'assistant' }) + chunk({ content: 'a' }) + chunk({ content: 'b' })], // chunk at 4
      [100, chunk({ content: 'c' }, 'stop') + 'data: [DO'], // at 5
      [160, 'NE]\n\n'], // at 6
    ]));
    const r = await sendChatCompletion(request(url), { now });
    expect(r.ok, r.errorMessage ?? '').toBe(true);
    expect(r.marks.send).toBe(2); // the stamp taken as the request got its socket, not at creation
    expect(r.marks.hdr).toBe(3);
    expect(r.marks.tokenTimes).toEqual([4, 4, 5]);
    expect(r.marks.end).toBe(6); // [DONE] completed in the third chunk
    expect(r.content).toBe('abc');
  });

  for (const encoding of [undefined, 'gzip'] as const) {
    it(`token times follow the server's pacing, and UTF-8 split across chunks decodes (${encoding ?? 'plain'})`, async () => {
      const e = Buffer.from(chunk({ content: 'é!' }));
      const cut = e.indexOf(0xc3) + 1; // between the two bytes of é
      const url = route(`/paced-${encoding ?? 'plain'}`, paced([
        [0, chunk({ role: 'assistant', content: '' })],
        [60, chunk({ content: 'un' })],
        [120, e.subarray(0, cut)],
        [180, e.subarray(cut)],
        [240, chunk({}, 'stop') + DONE],
      ], encoding));
      const r = await sendChatCompletion(request(url));
      expect(r.ok, r.errorMessage ?? '').toBe(true);
      expect(r.content).toBe('uné!');
      const rel = r.marks.tokenTimes.map((x) => x - r.marks.send);
      expect(rel).toHaveLength(2);
      expect(rel[0]).toBeGreaterThanOrEqual(59);
      expect(rel[0]).toBeLessThan(60 + 250); // wide: a busy 2-core machine
      // The second token event completed when the second half of é arrived (60 ms after the first half).
      expect(rel[1]).toBeGreaterThanOrEqual(179);
      expect(rel[1] - rel[0]).toBeGreaterThan(30); // not read together: the first stamp may itself be a little late
    });
  }

  it('stamps chunks that arrive together before any sink works on them (a slow sink does not delay the next stamp)', async () => {
    // Two streams whose first bytes the server writes in the same tick: the client reads both
    // sockets in one poll. Each sink then spends 40 ms; had the first sink run inside the first
    // socket's callback, the second stamp would come >= 40 ms after the first.
    const held: ServerResponse[] = [];
    const both = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.flushHeaders();
        held.push(res);
        if (held.length === 2) setTimeout(() => held.forEach((r) => r.end(chunk({ content: 'x' }, 'stop') + DONE)), 30);
      });
    });
    await new Promise<void>((r) => both.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(both.address() as AddressInfo).port}/v1/chat/completions`;
    const spin = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) { /* a sink with real work to do */ }
    };
    const readOne = async (): Promise<{ stamp: number; pushedAt: number; bytes: number }> => {
      const ex = httpTransport.post(url, { 'content-type': 'application/json' }, '{}', () => performance.now());
      const res = await ex.response;
      const got = { stamp: -1, pushedAt: -1, bytes: 0 };
      await res.read({
        push(c, t) {
          if (got.stamp < 0) { got.stamp = t; got.pushedAt = performance.now(); }
          got.bytes += c.length;
          spin(40);
        },
      });
      ex.release();
      return got;
    };
    try {
      const [a, b] = await Promise.all([readOne(), readOne()]);
      expect(a.bytes).toBeGreaterThan(0);
      expect(b.bytes).toBe(a.bytes);
      // The sinks ran one after the other (40 ms apart), yet the stamps were taken together.
      expect(Math.abs(a.pushedAt - b.pushedAt)).toBeGreaterThanOrEqual(39);
      expect(Math.abs(a.stamp - b.stamp)).toBeLessThan(20);
    } finally {
      both.closeAllConnections();
      await new Promise<void>((r) => both.close(() => r()));
    }
  });

  it('bodies that end together settle one per event-loop turn, so a chunk arriving meanwhile is stamped between them', async () => {
    // A and B end in the same tick; whoever reads them then works 40 ms each (a row, a write...).
    // C's chunk arrives 10 ms into that work: it must be stamped after one 40 ms job, not two.
    const held = new Map<string, ServerResponse>();
    let endedAt = 0;
    const srv = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.flushHeaders();
        held.set(req.url!, res);
        if (held.size < 3) return;
        setTimeout(() => {
          endedAt = performance.now();
          held.get('/a')!.end(chunk({ content: 'a' }, 'stop') + DONE);
          held.get('/b')!.end(chunk({ content: 'b' }, 'stop') + DONE);
          setTimeout(() => held.get('/c')!.end(chunk({ content: 'c' }, 'stop') + DONE), 10);
        }, 30);
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    const spin = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) { /* the work a finished request's continuation does */ }
    };
    const read = async (p: string, work: boolean): Promise<number> => {
      const ex = httpTransport.post(`${base}${p}`, {}, '{}', () => performance.now());
      const res = await ex.response;
      let first = -1;
      await res.read({ push: (_c, t) => void (first < 0 && (first = t)) });
      ex.release();
      if (work) {
        spin(40);
        workDone.push(performance.now());
      }
      return first;
    };
    const workDone: number[] = [];
    try {
      const [, , c] = await Promise.all([read('/a', true), read('/b', true), read('/c', false)]);
      expect(c - endedAt).toBeGreaterThanOrEqual(9);
      // Stamped after the first finished body's 40 ms of work, before the second one's had ended:
      // judged by the order of events, so a busy machine cannot fail it.
      expect(workDone).toHaveLength(2);
      expect(c).toBeLessThan(workDone[1]);
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it('keeps connections alive: sequential requests share one socket', async () => {
    const url = route('/keepalive', paced([[0, chunk({ content: 'k' }, 'stop') + DONE]]));
    // A fresh origin for this test: the paced routes above used the same server, so count from here.
    const before = connections.length;
    for (let i = 0; i < 4; i++) expect((await sendChatCompletion(request(url))).ok).toBe(true);
    expect(connections.length - before).toBeLessThanOrEqual(1);
  });

  it("closes an idle pooled connection before the server's Keep-Alive timeout would", async () => {
    const short = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(chunk({ content: 'k' }, 'stop') + DONE));
    });
    short.keepAliveTimeout = 2_000; // answers carry `Keep-Alive: timeout=2`
    const opened: number[] = [];
    short.on('connection', () => opened.push(performance.now()));
    await new Promise<void>((r) => short.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(short.address() as AddressInfo).port}/v1/chat/completions`;
    try {
      expect((await sendChatCompletion(request(url))).ok).toBe(true);
      expect((await sendChatCompletion(request(url))).ok).toBe(true); // at once: the same socket
      expect(opened).toHaveLength(1);
      await sleep(1_300); // past our idle limit (the hint - 1 s), before the server's 2 s
      expect((await sendChatCompletion(request(url))).ok).toBe(true);
      expect(opened).toHaveLength(2);
    } finally {
      short.closeAllConnections();
      await new Promise<void>((r) => short.close(() => r()));
    }
  });

  it('one abort subscription per request on the run signal (one real listener for all), removed when it ends', async () => {
    const ctl = new AbortController();
    setMaxListeners(0, ctl.signal); // as runJobs does: many requests share the run signal
    const started: (() => void)[] = [];
    const url = route('/held', (_req, res) => {
      started.push(() => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(chunk({ content: 'x' }, 'stop') + DONE));
    });
    const N = 16;
    const all = Promise.all(Array.from({ length: N }, () => sendChatCompletion(request(url, { signal: ctl.signal }))));
    while (started.length < N) await sleep(5);
    expect(abortSubscriberCount(ctl.signal)).toBe(N);
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(1);
    for (const go of started) go();
    expect((await all).every((r) => r.ok)).toBe(true);
    expect(abortSubscriberCount(ctl.signal)).toBe(0);
    expect(getEventListeners(ctl.signal, 'abort').length).toBeLessThanOrEqual(1);

    // Sequential requests on a signal with the default listener limit: never more than one, no warning.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const seq = new AbortController();
    const quick = route('/quick', paced([[0, chunk({ content: 'q' }, 'stop') + DONE]]));
    try {
      for (let i = 0; i < 15; i++) expect((await sendChatCompletion(request(quick, { signal: seq.signal }))).ok).toBe(true);
      await sleep(10);
    } finally {
      process.off('warning', onWarning);
    }
    expect(abortSubscriberCount(seq.signal)).toBe(0);
    expect(getEventListeners(seq.signal, 'abort').length).toBeLessThanOrEqual(1);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  for (const how of ['interrupt', 'timeout'] as const) {
    it(`${how} mid-stream destroys the request: the server sees its connection close`, async () => {
      let closed: Promise<void> = Promise.resolve();
      const url = route(`/hang-${how}`, (req, res) => {
        closed = new Promise((r) => req.socket.once('close', () => r()));
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(chunk({ content: 'so far' }));
      });
      const ctl = new AbortController();
      if (how === 'interrupt') setTimeout(() => ctl.abort(new Error('Ctrl-C')), 80);
      const r = await sendChatCompletion(request(url, { signal: ctl.signal, timeoutMs: how === 'timeout' ? 80 : 5_000 }));
      expect(r.errorType).toBe(how === 'interrupt' ? 'interrupted' : 'timeout');
      expect(r.content).toBe('so far');
      const gone = await Promise.race([closed.then(() => true), sleep(2_000).then(() => false)]);
      expect(gone).toBe(true);
    });
  }

  it('an unknown Content-Encoding is passed through as it is (fetch does the same)', async () => {
    const url = route('/x-custom', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'x-custom' });
      res.end(chunk({ content: 'plain' }, 'stop') + DONE);
    });
    const r = await sendChatCompletion(request(url));
    expect(r.ok, r.errorMessage ?? '').toBe(true);
    expect(r.content).toBe('plain');
  });

  it('sends trimmed header values, asks for compression, names itself; refuses a header HTTP does not allow', async () => {
    let got: IncomingMessage['headers'] = {};
    const url = route('/headers', (req, res) => {
      got = req.headers;
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(chunk({ content: 'h' }, 'stop') + DONE);
    });
    const r = await sendChatCompletion(request(url, { apiKey: `${KEY}\n`, headers: { 'X-Title': ' evalbench ' } }));
    expect(r.ok, r.errorMessage ?? '').toBe(true);
    expect(got.authorization).toBe(`Bearer ${KEY}`);
    expect(got['x-title']).toBe('evalbench');
    expect(got['accept-encoding']).toBe('gzip, deflate');
    expect(got['user-agent']).toBe('evalbench');
    expect(got['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(streamBody(true)))));

    const bad = await sendChatCompletion(request(url, { headers: { 'x-bad': 'a\nb' } }));
    expect(bad.errorType).toBe('bad_request');
    expect(bad.errorMessage).toMatch(/^invalid request header: /);
    const badName = await sendChatCompletion(request(url, { headers: { 'bad name': 'x' } }));
    expect(badName.errorType).toBe('bad_request');
  });

  it('warmConnection opens the pooled connection the next request uses, and resolves whatever happens', async () => {
    let gets = 0;
    const warm = createServer((req, res) => {
      req.resume();
      if (req.method === 'GET') {
        gets++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}');
      } else res.writeHead(200, { 'content-type': 'text/event-stream' }).end(chunk({ content: 'w' }, 'stop') + DONE);
    });
    let sockets = 0;
    warm.on('connection', () => sockets++);
    await new Promise<void>((r) => warm.listen(0, '127.0.0.1', () => r()));
    const origin = `http://127.0.0.1:${(warm.address() as AddressInfo).port}`;
    try {
      await warmConnection(`${origin}/v1/models`, { authorization: `Bearer ${KEY}` });
      expect(gets).toBe(1);
      expect((await sendChatCompletion(request(`${origin}/v1/chat/completions`))).ok).toBe(true);
      expect(sockets).toBe(1);
    } finally {
      warm.closeAllConnections();
      await new Promise<void>((r) => warm.close(() => r()));
    }
    await warmConnection(`${origin}/v1/models`, {}); // nothing listens there now
    await warmConnection('not a url', {});
  });

  it('a URL that cannot be requested is a connection failure, not an exception', async () => {
    for (const url of ['not a url', 'ftp://127.0.0.1/v1/chat/completions', `http://user:pw@127.0.0.1:1/v1/chat/completions`]) {
      const r = await sendChatCompletion(request(url));
      expect(r.errorType, url).toBe('connection');
      expect(r.errorMessage).toMatch(/^request failed before a response: /);
      expect(r.errorMessage).not.toContain('pw');
    }
  });
});

// https through the pooled agent. The certificate is made with openssl for this run (skipped
// without it) and trusted in a child process through NODE_EXTRA_CA_CERTS, which only works at
// start-up; the parent, which does not trust it, checks that an untrusted certificate is refused.
const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!hasOpenssl)('node:https transport', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'evalbench-tls-'));
    const r = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]);
    expect(r.status, String(r.stderr)).toBe(0);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** An https server answering every POST with a brotli- or plain-encoded stream; counts TLS handshakes. */
  const SERVER = `
    import https from 'node:https';
    import fs from 'node:fs';
    import { brotliCompressSync } from 'node:zlib';
    export async function start(dir) {
      const seen = { handshakes: 0, acceptEncoding: [] };
      const body = 'data: {"choices":[{"index":0,"delta":{"content":"secure"},"finish_reason":"stop"}]}\\n\\ndata: [DONE]\\n\\n';
      const s = https.createServer({ key: fs.readFileSync(dir + '/key.pem'), cert: fs.readFileSync(dir + '/cert.pem') }, (req, res) => {
        seen.acceptEncoding.push(req.headers['accept-encoding']);
        req.resume();
        req.on('end', () => {
          const br = /\\bbr\\b/.test(req.headers['accept-encoding'] ?? '');
          res.writeHead(200, { 'content-type': 'text/event-stream', ...(br ? { 'content-encoding': 'br' } : {}) });
          res.end(br ? brotliCompressSync(body) : body);
        });
      });
      s.on('secureConnection', () => seen.handshakes++);
      await new Promise((r) => s.listen(0, '127.0.0.1', r));
      return { port: s.address().port, seen, close: () => { s.closeAllConnections(); s.close(); } };
    }`;

  it('streams over TLS, asks for br and decodes it, and reuses the TLS connection', () => {
    writeFileSync(path.join(dir, 'server.mjs'), SERVER);
    const client = path.resolve(import.meta.dirname, '../../src/providers/openai-client.ts');
    writeFileSync(path.join(dir, 'child.mts'), `
      import { start } from ${JSON.stringify(path.join(dir, 'server.mjs'))};
      import { sendChatCompletion } from ${JSON.stringify(client)};
      const srv = await start(${JSON.stringify(dir)});
      const results = [];
      for (const host of ['localhost', '127.0.0.1', 'localhost']) {
        results.push(await sendChatCompletion({ url: 'https://' + host + ':' + srv.port + '/v1/chat/completions', headers: {}, timeoutMs: 5000,
          body: { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true } }));
      }
      srv.close();
      console.log(JSON.stringify({ results, seen: srv.seen }));
    `);
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, 'child.mts')], {
      cwd: path.resolve(import.meta.dirname, '../..'), encoding: 'utf8', timeout: 30_000,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem') },
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { results: AttemptResult[]; seen: { handshakes: number; acceptEncoding: string[] } };
    for (const res of out.results) {
      expect(res.ok, res.errorMessage ?? '').toBe(true);
      expect(res.content).toBe('secure');
    }
    expect(out.seen.acceptEncoding).toEqual(['br, gzip, deflate', 'br, gzip, deflate', 'br, gzip, deflate']);
    // Two origins (localhost, 127.0.0.1): two handshakes; the third request reused the first connection.
    expect(out.seen.handshakes).toBe(2);
  });

  it('an untrusted certificate is a connection failure that names the cause', async () => {
    writeFileSync(path.join(dir, 'server.mjs'), SERVER);
    const { start } = (await import(path.join(dir, 'server.mjs'))) as {
      start(d: string): Promise<{ port: number; close(): void }>;
    };
    const srv = await start(dir);
    try {
      const r = await sendChatCompletion(request(`https://localhost:${srv.port}/v1/chat/completions`, { apiKey: KEY }));
      expect(r.errorType).toBe('connection');
      expect(r.errorMessage).toMatch(/^request failed before a response: .*certificate/);
      expect(r.errorMessage).not.toContain(KEY);
    } finally {
      srv.close();
    }
  });
});
