import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import { parseSuite } from '../../src/suite/load-suite.ts';
import { cacheKey } from '../../src/run/response-cache.ts';
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
