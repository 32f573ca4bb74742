import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import { readRunRecord } from '../../src/report/run-record.ts';
import { parseStartAt, waitUntilWallClock } from '../../src/session/start-at.ts';
import { InputError } from '../../src/errors/index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-start-at-'));
/** Wall-clock arrival of every chat request, stamped by the server. */
const arrivals: number[] = [];
/** The server's clock runs this far ahead of ours (in its Date header). */
const SKEW_MS = 90_000;
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const date = new Date(Date.now() + SKEW_MS).toUTCString();
    req.resume();
    req.on('end', () => {
      if (req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json', date }).end('{"data":[]}');
        return;
      }
      arrivals.push(Date.now());
      res.writeHead(200, { 'content-type': 'application/json', date });
      res.end(JSON.stringify({
        id: 'x', object: 'chat.completion', model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

function suiteFile(): string {
  const file = path.join(dir, 'suite.yaml');
  fs.writeFileSync(file, [
    'name: start-at',
    'providers:', '  local:', '    type: openai-compatible', `    base_url: ${url}`, '    api_key_env: LOCAL_KEY',
    'models: [local:m]', 'repeats: 3', 'defaults: { stream: false }',
    'cases:', '  - { id: a, prompt: hi }', '  - { id: b, prompt: hello }',
  ].join('\n'));
  return file;
}

describe('--start-at', () => {
  it('sends no request before the start time, counts down, and records the clock offset from Date', { timeout: 60_000 }, async () => {
    // Seconds ahead: loading the tokenizer, warming up and probing the clock take a while on a busy machine.
    const startAt = Date.now() + 15_000;
    const ticks: number[] = [];
    const outcome = await runSuite(suiteFile(), {
      outDir: path.join(dir, 'out'), env: { LOCAL_KEY: 'k' }, startAt, shard: { index: 1, count: 1 },
      onCountdown: (ms) => ticks.push(ms), warmUp: false,
    });
    expect(outcome.warnings.filter((w) => w.includes('start-at'))).toEqual([]);
    expect(outcome.counts.ok).toBe(6);
    expect(arrivals).toHaveLength(6);
    // Server-side stamps on the same machine's clock.
    expect(Math.min(...arrivals)).toBeGreaterThanOrEqual(startAt);
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    expect(ticks.every((t) => t > 0)).toBe(true);

    const record = (await readRunRecord(outcome.outDir))!;
    expect(record.start_at).toBe(new Date(startAt).toISOString());
    expect(record.clock).not.toBeNull();
    // Date has whole seconds: the true skew lies within the stated uncertainty.
    expect(Math.abs(record.clock!.offset_ms - SKEW_MS)).toBeLessThanOrEqual(record.clock!.uncertainty_ms);
    expect(record.clock!.uncertainty_ms).toBeLessThan(500); // probes at several phases narrow the 1 s step
    expect(record.clock!.url).toBe(`${url}/models`);
  });
});

describe('parseStartAt', () => {
  it('reads ISO-8601 times with a zone', () => {
    expect(parseStartAt('2026-12-04T19:30:00Z')).toBe(Date.UTC(2026, 11, 4, 19, 30));
    expect(parseStartAt('2026-12-04T20:30:00.500+01:00')).toBe(Date.UTC(2026, 11, 4, 19, 30, 0, 500));
  });

  it.each(['2026-12-04T19:30:00', 'tomorrow', '19:30', '2026-13-40T99:00:00Z', ''])('refuses %j (exit 2, says the fix)', (text) => {
    try {
      parseStartAt(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).code).toBe('BAD_START_AT');
      expect((e as Error).message).toMatch(/with a zone, e\.g\. 2026-12-04T19:30:00Z/);
    }
  });
});

describe('waitUntilWallClock', () => {
  it('never returns before the wall-clock time and ticks once a second', async () => {
    const at = Date.now() + 1200;
    const ticks: number[] = [];
    await waitUntilWallClock(at, { onCountdown: (ms) => ticks.push(Math.ceil(ms / 1000)) });
    expect(Date.now()).toBeGreaterThanOrEqual(at);
    expect(ticks).toEqual([2, 1]);
  });

  it('stops at once when aborted', async () => {
    const c = new AbortController();
    const t0 = Date.now();
    setTimeout(() => c.abort(new Error('stop')), 50);
    await expect(waitUntilWallClock(Date.now() + 10_000, { signal: c.signal })).rejects.toThrow('stop');
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
