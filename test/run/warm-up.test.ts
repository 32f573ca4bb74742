// The warm-up opens the connections a run's first batch needs, checked against the server's own
// account: the stamping server (its own process) counts the sockets whose first request was a
// measured POST (a connection the run had to open while measuring) and stamps when each request
// arrived and when it wrote the first token.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import { MAX_WARM_CONNECTIONS, warmConnectionPlan, warmRequestCount } from '../../src/session/warm-up.ts';
import { MAX_WARM_REQUESTS } from '../../src/providers/client-warm-up.ts';
import type { ResolvedProvider } from '../../src/run/run-jobs.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { spawnStampingServer, type StampingServer } from '../helpers/stamping-server.ts';

const STREAMS = 64;
const BATCHES = 4;

let server: StampingServer;
let dir: string;
beforeAll(async () => {
  server = await spawnStampingServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-warm-'));
});
afterAll(() => {
  server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const provider = (baseUrl: string, concurrency?: number): ResolvedProvider => ({ endpoint: { id: baseUrl, baseUrl, headers: {}, concurrency } });
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

describe('warmRequestCount', () => {
  it('runs the client path 8 times per request in flight, at least 5 times, at most once per job and MAX_WARM_REQUESTS', () => {
    expect(warmRequestCount()).toBe(8);
    expect(warmRequestCount({ concurrency: 64 })).toBe(512);
    expect(warmRequestCount({ concurrency: 2000 })).toBe(MAX_WARM_REQUESTS);
    expect(warmRequestCount({ concurrency: 64, jobs: 100 })).toBe(100);
    expect(warmRequestCount({ concurrency: 64, jobs: 2 })).toBe(5);
  });
});

describe('warmConnectionPlan', () => {
  it('warms what the run can have in flight per origin: own caps summed, at most the run, its jobs and 256', () => {
    const plan = (ps: ResolvedProvider[], o: { concurrency?: number; jobs?: number }) => warmConnectionPlan(ps, o).map((x) => x.connections);
    expect(plan([provider('http://a:1/v1')], { concurrency: 64 })).toEqual([64]);
    expect(plan([provider('http://a:1/v1', 10)], { concurrency: 64 })).toEqual([10]);
    expect(plan([provider('http://a:1/v1')], { concurrency: 64, jobs: 5 })).toEqual([5]);
    expect(plan([provider('http://a:1/v1')], { concurrency: 10_000 })).toEqual([MAX_WARM_CONNECTIONS]);
    // Two providers on one origin share the pool: warmed once, together, within the run's cap.
    expect(plan([provider('http://a:1/v1', 10), provider('http://a:1/other', 20), provider('http://b:2/v1')], { concurrency: 64 })).toEqual([30, 64]);
    expect(plan([provider('http://a:1/v1'), provider('http://a:1/other')], { concurrency: 64 })).toEqual([64]);
    expect(plan([provider('http://a:1/v1')], {})).toEqual([1]);
  });
});

describe(`a ${STREAMS}-stream run`, () => {
  it('opens no connection while measuring, and its first batch has no TTFT outlier beyond the later batches', async () => {
    const suiteFile = path.join(dir, 'suite.yaml');
    fs.writeFileSync(suiteFile, [
      'name: warm',
      'providers:',
      '  stamp: { type: openai-compatible, base_url: "' + server.url + '" }',
      'models: [stamp:stamp]',
      `concurrency: ${STREAMS}`,
      'retry: { max_retries: 0, base_delay_ms: 0, max_delay_ms: 0 }',
      'timeout_ms: 20000',
      'cases:',
      // One case per request: the prompt is the key the server stamps it under.
      ...Array.from({ length: STREAMS * BATCHES }, (_, i) => `  - { id: "c${i}", prompt: "warm-${i}" }`),
    ].join('\n'));
    const out = await runSuite(suiteFile, { outDir: path.join(dir, 'out') });
    const { records, opened } = await server.stamps();
    // Every connection the run used was opened by the warm-up's GETs (before, 63 of 64 were
    // opened by measured POSTs). On a quiet machine none is; a warm-up GET not answered within
    // its 3 s timeout is closed, and the run then opens that one itself (3 seen at load 20+).
    expect(opened.get).toBeGreaterThanOrEqual(STREAMS);
    expect(opened.post).toBeLessThanOrEqual(STREAMS / 16);

    const rows = fs.readFileSync(out.files.jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResultRow);
    expect(rows.filter((r) => r.status === 'ok')).toHaveLength(STREAMS * BATCHES);
    const byKey = new Map(records.map((r) => [r.key, r]));
    // The client's TTFT beyond the server's own (first-token write minus request arrival): the
    // time on the wire both ways plus the client's waits (a connection to open, a late stamp).
    const overhead = rows
      .map((r) => {
        const s = byKey.get(`warm-${r.case_id.slice(1)}`)!;
        return { send: r.send_epoch_ms!, extra: r.ttft_ms! - (s.first_tok_at_ms - s.recv_at_ms) };
      })
      .sort((a, b) => a.send - b.send);
    const first = overhead.slice(0, STREAMS).map((o) => o.extra);
    const later = overhead.slice(STREAMS).map((o) => o.extra);
    console.log(`TTFT beyond the server's: first batch p50 ${pct(first, 50).toFixed(2)} max ${pct(first, 100).toFixed(2)} ms; later batches p50 ${pct(later, 50).toFixed(2)} p99 ${pct(later, 99).toFixed(2)} ms`);
    // The first batch as a whole is not slower than the tail of the rest (one random stall of
    // a shared machine may still land in it, so its median is what is compared). Measured on an
    // idle 2-core machine: without the warm-up the first batch's p50 is ~48 ms against a later p50
    // of ~3.5 ms (14x); warmed it is 7-15 ms (2-4x), the upper end while V8 grows a fresh heap
    // during the first burst (the tokenizer no longer grows it beforehand). So the bound is the
    // later batches' p99, or 8x their median when their tail is tighter than that.
    expect(pct(first, 50)).toBeLessThanOrEqual(Math.max(pct(later, 99), 8 * pct(later, 50)));
  }, 60_000);
});
