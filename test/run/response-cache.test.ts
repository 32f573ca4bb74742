import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import { parseSuite } from '../../src/suite/load-suite.ts';
import { cacheKey, withResponseCache } from '../../src/run/response-cache.ts';
import type { AttemptRequest, AttemptResult } from '../../src/providers/types.ts';
import type { Job } from '../../src/plan/types.ts';
import { startFakeServer, type FakeServer } from '../helpers/fake-openai-server.ts';

let server: FakeServer;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-cache-'));
beforeAll(async () => {
  server = await startFakeServer();
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const suiteText = () => `
name: cached
providers:
  fake: { type: openai-compatible, base_url: "${server.url}", api_key_env: FAKE_API_KEY }
models: [fake:m1]
repeats: 4
concurrency: 1
cases:
  - { id: a, prompt: "scenario: plain a" }
  - { id: b, prompt: "scenario: plain b" }
`;

describe('--cache with repeats', () => {
  it('a first run sends every repeat (never a copy from the same run); a second run replays each repeat', async () => {
    const suite = parseSuite(suiteText(), path.join(dir, 'suite.yaml'));
    const cacheDir = path.join(dir, 'cache');
    const env = { FAKE_API_KEY: 'sk-cache-test' };
    // concurrency 1: each repeat starts after the previous one was stored, the case that used to be served from the cache.
    const first = await runSuite(suite, { outDir: path.join(dir, 'a'), cacheDir, env, warmUp: false });
    expect(server.hits.get('plain')).toHaveLength(8);
    expect(first.summary.overall.counts.cached).toBe(0);
    expect(fs.readdirSync(cacheDir)).toHaveLength(8);
    const second = await runSuite(suite, { outDir: path.join(dir, 'b'), cacheDir, env, warmUp: false });
    expect(server.hits.get('plain')).toHaveLength(8);
    expect(second.summary.overall.counts.cached).toBe(8);
  });

  it('the key tells repeats apart and nothing else changes it', () => {
    const req = { url: 'http://127.0.0.1:1234/v1/chat/completions', body: { model: 'm', messages: [] } } as never;
    const other = { url: 'http://127.0.0.1:9999/v1/chat/completions', body: { model: 'm', messages: [] } } as never;
    expect(cacheKey(req, 1)).not.toBe(cacheKey(req, 2));
    expect(cacheKey(req, 2)).toBe(cacheKey(other, 2));
  });
});

describe('--cache with an arrival handed over early (notBefore)', () => {
  const answer = (ok: boolean, content: string): AttemptResult => ({
    ok, httpStatus: ok ? 200 : null, errorType: ok ? null : 'interrupted', errorMessage: ok ? null : 'interrupted', retryAfterMs: null,
    marks: { send: performance.now(), hdr: null, firstTok: null, firstAnswer: null, lastTok: null, end: performance.now(), tokenTimes: [] },
    content, reasoning: '', toolCalls: [], usage: null, finishReason: ok ? 'stop' : null, rateLimitHeaders: {},
  });
  const req = (extra: Partial<AttemptRequest> = {}): AttemptRequest => ({
    url: 'https://api.example.com/v1/chat/completions', headers: {}, timeoutMs: 1000,
    body: { model: 'm', messages: [{ role: 'user', content: 'held' }], stream: false }, ...extra,
  });

  const job = { repeat: 1 } as Job; // the cache reads only the repeat

  it('replays a hit when it is due, and hands one whose hold was cancelled to the client', async () => {
    const sent: AttemptRequest[] = [];
    const cached = withResponseCache(path.join(dir, 'held'), async (r) => {
      sent.push(r);
      return answer(!r.cancelHold?.aborted, 'from the server');
    });
    await cached(req(), {}, job); // stored
    const due = performance.now() + 60;
    const replay = await cached(req({ notBefore: due, cancelHold: new AbortController().signal }), {}, job);
    expect(replay.fromCache).toBe(true);
    expect(performance.now()).toBeGreaterThanOrEqual(due);
    expect(sent).toHaveLength(1);

    const stop = new AbortController();
    setTimeout(() => stop.abort(), 20);
    const held = await cached(req({ notBefore: performance.now() + 5000, cancelHold: stop.signal }), {}, job);
    expect(sent).toHaveLength(2);
    expect(held).toMatchObject({ ok: false, errorType: 'interrupted' });
    expect(held.fromCache).toBeUndefined();
  });
});
