// The HTTP client in worker threads (src/providers/threaded-client.ts), against real servers on
// port 0: same results as the in-thread client, stamps on the main thread's clock, attempts
// spread over the workers, aborts, crashes and bad messages as typed failures, and stamps that a
// blocked main thread does not delay.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendChatCompletion } from '../../src/providers/openai-client.ts';
import { ThreadedClient } from '../../src/providers/threaded-client.ts';
import type { AttemptRequest } from '../../src/providers/types.ts';
import { spawnStampingServer, type StampingServer } from '../helpers/stamping-server.ts';

let stamping: StampingServer;
const clients: ThreadedClient[] = [];
const threaded = (n: number, url?: URL) => {
  const c = new ThreadedClient(n, url);
  clients.push(c);
  return c;
};
beforeAll(async () => {
  stamping = await spawnStampingServer();
});
afterAll(async () => {
  stamping?.close();
  await Promise.all(clients.map((c) => c.close()));
});

const req = (key: string, headers: Record<string, string> = {}, url = `${stamping.url}/chat/completions`): AttemptRequest => ({
  url, headers, timeoutMs: 20_000,
  body: { model: 'stamp', messages: [{ role: 'user', content: key }], stream: true, stream_options: { include_usage: true } },
});

/** What must be the same from either client: everything but the times. */
const content = (r: Awaited<ReturnType<typeof sendChatCompletion>>) => ({ ...r, marks: { n: r.marks.tokenTimes.length, hdr: r.marks.hdr !== null } });

describe('ThreadedClient', () => {
  it('gives the in-thread client\'s result, stamped on the main thread\'s clock', async () => {
    const client = threaded(2);
    await stamping.stamps();
    const firstTok = new Map<string, number>();
    for (let i = 0; i < 4; i++) {
      const before = performance.now();
      const r = await client.send(req(`k${i}`, { 'x-tokens': '6' }));
      const after = performance.now();
      const local = await sendChatCompletion(req(`k${i}`, { 'x-tokens': '6' }));
      expect(content(r)).toEqual(content(local));
      expect(r.ok).toBe(true);
      // Every mark between the send call and its answer, in order.
      expect(r.marks.send).toBeGreaterThanOrEqual(before);
      expect(r.marks.end).toBeLessThanOrEqual(after);
      expect(r.marks.hdr!).toBeGreaterThanOrEqual(r.marks.send);
      expect(r.marks.firstTok!).toBeGreaterThanOrEqual(r.marks.hdr!);
      firstTok.set(`k${i}`, r.marks.firstTok!);
    }
    // The worker's first-token stamp is after the server (its own process) wrote that token and
    // not long after: one clock, no skew between the threads.
    const { records } = await stamping.stamps();
    const threadedRecords = records.filter((_, j) => j % 2 === 0);
    expect(threadedRecords.map((r) => r.key)).toEqual(['k0', 'k1', 'k2', 'k3']);
    for (const rec of threadedRecords) {
      const late = firstTok.get(rec.key)! + stamping.offsetMs - rec.first_tok_at_ms;
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(100);
    }
  });

  it('spreads attempts in flight evenly over the workers', async () => {
    const client = threaded(2);
    const all = Promise.all(Array.from({ length: 8 }, (_, i) => client.send(req(`spread${i}`, { 'x-delay-ms': '300' }))));
    expect(client.inFlight()).toEqual([4, 4]);
    expect((await all).every((r) => r.ok)).toBe(true);
    expect(client.inFlight()).toEqual([0, 0]);
  });

  it('stamps tokens as they arrive while the main thread is blocked (the in-thread client cannot)', async () => {
    const block = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const lateness = async (send: (r: AttemptRequest) => Promise<Awaited<ReturnType<typeof sendChatCompletion>>>, key: string) => {
      await stamping.stamps();
      const pending = send(req(key, { 'x-delay-ms': '50' }));
      await new Promise((r) => setTimeout(r, 5)); // the request is on its way
      block(600); // a long GC pause, say: the first token is written ~50 ms into it
      const r = await pending;
      const { records } = await stamping.stamps();
      expect(r.ok).toBe(true);
      return r.marks.firstTok! + stamping.offsetMs - records[0].first_tok_at_ms;
    };
    const client = threaded(1);
    await client.send(req('warm')); // the worker's client path warmed
    const inThread = await lateness((r) => sendChatCompletion(r), 'blocked-local');
    const inWorker = await lateness(client.send, 'blocked-worker');
    // The reference: the in-thread client's stamp waits out the block.
    expect(inThread).toBeGreaterThan(300);
    expect(inWorker).toBeGreaterThanOrEqual(0);
    expect(inWorker).toBeLessThan(150);
  });

  it('aborts an attempt in a worker when the run signal fires: an interrupted result', async () => {
    const server = http.createServer(() => {}); // never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
      const client = threaded(2);
      const ctl = new AbortController();
      const pending = client.send({ ...req('hang', {}, url), signal: ctl.signal });
      setTimeout(() => ctl.abort(new Error('stop now')), 100);
      const r = await pending;
      expect(r).toMatchObject({ ok: false, errorType: 'interrupted', errorMessage: 'interrupted: stop now' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('turns a worker crash into typed failures, replaces the worker, and stops trying after repeated crashes', async () => {
    const client = threaded(1, new URL('./threads/crashing-http-worker.ts', import.meta.url));
    const first = await client.send(req('c1'));
    expect(first).toMatchObject({ ok: false, errorType: 'connection' });
    expect(first.errorMessage).toMatch(/HTTP worker thread stopped .*boom in the worker/);
    await client.send(req('c2'));
    await client.send(req('c3'));
    const refused = await client.send(req('c4'));
    expect(refused).toMatchObject({ ok: false, errorType: 'connection' });
    expect(refused.errorMessage).toMatch(/stopped 3 times in a row.*--workers 1/);
  });

  it('turns a malformed message from a worker into an invalid_response failure', async () => {
    process.env.EVALBENCH_TEST_WORKER_MODE = 'garbage';
    try {
      const client = threaded(1, new URL('./threads/crashing-http-worker.ts', import.meta.url));
      const r = await client.send(req('g'));
      expect(r).toMatchObject({ ok: false, errorType: 'invalid_response' });
    } finally {
      delete process.env.EVALBENCH_TEST_WORKER_MODE;
    }
  });

  it('never keeps the process alive while idle (a run that fails before close still exits)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-unref-'));
    try {
      const script = path.join(dir, 'idle.mts');
      const mod = new URL('../../src/providers/threaded-client.ts', import.meta.url).href;
      fs.writeFileSync(script, `import { ThreadedClient } from ${JSON.stringify(mod)};
const c = new ThreadedClient(2);
const r = await c.send({ url: ${JSON.stringify(`${stamping.url}/chat/completions`)}, headers: {}, timeoutMs: 20000, body: { model: 'm', messages: [{ role: 'user', content: 'idle' }], stream: true } });
console.log(r.ok);
`);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(import.meta.dirname, '../..'), timeout: 25_000 });
      expect(stdout.trim()).toBe('true');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
