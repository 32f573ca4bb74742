import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobs, type ResolvedProvider } from '../../src/run/run-jobs.ts';
import type { Job } from '../../src/plan/types.ts';
import type { ResultRow } from '../../src/results/result-row.ts';

/** A tiny streaming server that records how many requests it holds at once. */
let server: http.Server;
let baseUrl: string;
let inFlight = 0;
let maxInFlight = 0;
const perModel = new Map<string, { now: number; max: number }>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const model = JSON.parse(body).model as string;
      const m = perModel.get(model) ?? { now: 0, max: 0 };
      perModel.set(model, m);
      inFlight += 1;
      m.now += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      m.max = Math.max(m.max, m.now);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }));
      setTimeout(() => {
        res.write(chunk({ content: 'hello' }));
        res.write(chunk({}, 'stop'));
        res.end('data: [DONE]\n\n');
        inFlight -= 1;
        m.now -= 1;
      }, 15);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function jobs(n: number, provider: string, model: string): Job[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${model}-${i}`, index: i, suite: 't', caseId: `c${i}`, tags: [], provider, model,
    reasoningEffort: null, repeat: 1, messages: [{ role: 'user', content: 'hi' }], params: {},
    stream: true, timeoutMs: 5000, assert: [], vars: {},
  }));
}

describe('runJobs', () => {
  it('never exceeds the global cap nor a provider cap, and writes one row per job', async () => {
    maxInFlight = 0;
    const providers = new Map<string, ResolvedProvider>([
      ['a', { endpoint: { id: 'a', baseUrl, headers: {} } }],
      ['b', { endpoint: { id: 'b', baseUrl, headers: {}, concurrency: 2 } }],
    ]);
    const rows: ResultRow[] = [];
    const all = [...jobs(60, 'a', 'ma'), ...jobs(30, 'b', 'mb')];
    const res = await runJobs(all, {
      providers, concurrency: 5, retry: { max_retries: 0, base_delay_ms: 0, max_delay_ms: 0 }, onRow: (r) => rows.push(r),
    });
    expect(rows).toHaveLength(90);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(90);
    expect(res.ok).toBe(90);
    expect(maxInFlight).toBeLessThanOrEqual(5);
    expect(maxInFlight).toBeGreaterThanOrEqual(3); // the cap is actually used, not serialised
    expect(perModel.get('mb')!.max).toBeLessThanOrEqual(2);
    expect(res.maxInFlight).toBeLessThanOrEqual(5);
    expect(rows.every((r) => r.output === 'hello' && r.status === 'ok')).toBe(true);
  });

  it('a provider at its cap does not hold up the others: its jobs wait, the rest of the plan goes on', async () => {
    const providers = new Map<string, ResolvedProvider>([
      ['a', { endpoint: { id: 'a', baseUrl, headers: {} } }],
      ['b', { endpoint: { id: 'b', baseUrl, headers: {}, concurrency: 1 } }],
    ]);
    const as = jobs(20, 'a', 'mha');
    const bs = jobs(20, 'b', 'mhb');
    const rows: ResultRow[] = [];
    const res = await runJobs(as.flatMap((j, i) => [bs[i], j]), {
      providers, concurrency: 4, retry: { max_retries: 0, base_delay_ms: 0, max_delay_ms: 0 }, onRow: (r) => rows.push(r),
    });
    expect(res.ok).toBe(40);
    expect(perModel.get('mhb')!.max).toBe(1);
    // Workers stuck behind b's one slot would leave at most 2 of a's requests in flight.
    expect(perModel.get('mha')!.max).toBeGreaterThanOrEqual(3);
    // The wait for b's slot is client-side waiting: it shows in queue_ms (at least one 15 ms request).
    expect(Math.max(...rows.filter((r) => r.provider === 'b').map((r) => r.queue_ms!))).toBeGreaterThan(10);
  });

  it('on interrupt, finishes in-flight jobs and marks the rest skipped', async () => {
    const controller = new AbortController();
    const providers = new Map<string, ResolvedProvider>([['a', { endpoint: { id: 'a', baseUrl, headers: {} } }]]);
    const rows: ResultRow[] = [];
    const res = await runJobs(jobs(40, 'a', 'mi'), {
      providers, concurrency: 2, retry: { max_retries: 0, base_delay_ms: 0, max_delay_ms: 0 },
      signal: controller.signal, graceMs: 1000,
      onRow: (r) => {
        rows.push(r);
        if (rows.length === 4) controller.abort();
      },
    });
    expect(res.interrupted).toBe(true);
    expect(rows).toHaveLength(40);
    const ok = rows.filter((r) => r.status === 'ok').length;
    expect(ok).toBeGreaterThanOrEqual(4);
    expect(ok).toBeLessThan(10);
    const skipped = rows.filter((r) => r.status === 'skipped');
    expect(skipped.length).toBe(40 - ok);
    expect(skipped.every((r) => r.error_type === 'interrupted')).toBe(true);
  });
});
