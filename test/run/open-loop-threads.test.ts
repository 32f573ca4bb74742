// Open loop with the HTTP client in worker threads: the main thread hands each arrival over ahead
// of time (releaseLeadMs) and the worker sends it when due, so a pause of the main thread (a GC,
// here a busy loop) delays no arrival at the server. The reference is the same run handed over
// when due (lead 0): the pause then makes arrivals late. Times are judged against the server's
// own receive stamps (a server in its own process, on the same monotonic clock).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThreadedClient } from '../../src/providers/threaded-client.ts';
import { runJobs, type ReleaseInfo, type ResolvedProvider } from '../../src/run/run-jobs.ts';
import type { Job } from '../../src/plan/types.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { spawnStampingServer, type StampingServer } from '../helpers/stamping-server.ts';

const NO_RETRY = { max_retries: 0, base_delay_ms: 0, max_delay_ms: 0 };
const RATE = 100;
const JOBS = 40;
/** The main thread is blocked this long, starting BLOCK_AT ms into the schedule. */
const BLOCK_MS = 150;
const BLOCK_AT = 100;

let stamping: StampingServer;
let client: ThreadedClient;
beforeAll(async () => {
  stamping = await spawnStampingServer();
  client = new ThreadedClient(2);
  await client.warm([{ url: `${stamping.url}/models`, headers: {}, connections: 8 }]);
});
afterAll(async () => {
  stamping?.close();
  await client?.close();
});

const jobs = (run: string): Job[] => Array.from({ length: JOBS }, (_, i) => ({
  id: `${run}-${i}`, index: i, suite: 't', caseId: `c${i}`, tags: [], provider: 'stamp', model: 'stamp',
  reasoningEffort: null, repeat: 1, messages: [{ role: 'user', content: `${run}-${i}` }],
  params: {}, stream: true, timeoutMs: 10_000, assert: [], vars: {},
}));

/** One open-loop run with the main thread blocked for BLOCK_MS; how late each arrival reached the server. */
async function blockedRun(run: string, releaseLeadMs: number) {
  const providers = new Map<string, ResolvedProvider>([['stamp', { endpoint: { id: 'stamp', baseUrl: stamping.url, headers: { 'x-tokens': '2', 'x-itl-ms': '1' } } }]]);
  const rows: ResultRow[] = [];
  const releases: ReleaseInfo[] = [];
  const due = new Map<string, number>();
  await stamping.stamps();
  const blocker = setTimeout(() => {
    const until = performance.now() + BLOCK_MS;
    while (performance.now() < until);
  }, BLOCK_AT);
  try {
    await runJobs(jobs(run), {
      providers, concurrency: Infinity, retry: NO_RETRY, send: client.send, releaseLeadMs,
      mode: { kind: 'open', rate: RATE, arrival: 'constant' },
      onRow: (r) => rows.push(r),
      onRelease: (r) => {
        releases.push(r);
        due.set(String(r.job.messages[0].content), r.dueAt);
      },
    });
  } finally {
    clearTimeout(blocker);
  }
  const { records } = await stamping.stamps();
  const late = records.map((rec) => rec.recv_at_ms - (due.get(rec.key)! + stamping.offsetMs));
  return { rows, releases, late, records };
}

describe('open loop on HTTP worker threads', () => {
  it('sends every arrival when due although the main thread is blocked, with the release stamped by the worker', async () => {
    const held = await blockedRun('held', 300);
    const reference = await blockedRun('when-due', 0);

    expect(held.rows.every((r) => r.status === 'ok')).toBe(true);
    expect(held.records).toHaveLength(JOBS);
    expect(held.releases).toHaveLength(JOBS);
    // Never early: each arrival reaches the server after its due time.
    expect(Math.min(...held.late)).toBeGreaterThanOrEqual(0);
    // The reference: handed over when due, the arrivals due during the block wait it out.
    expect(Math.max(...reference.late)).toBeGreaterThan(BLOCK_MS / 2);
    // Held by the worker: no arrival waits for the main thread (wide margin for a busy machine).
    expect(Math.max(...held.late)).toBeLessThan(BLOCK_MS / 2);
    // The self-check's release is the worker's send, so its lag shows no block either.
    for (const r of held.releases) {
      expect(r.releasedAt).toBeGreaterThanOrEqual(r.dueAt);
      expect(r.releasedAt - r.dueAt).toBeLessThan(BLOCK_MS / 2);
    }
    // queue_ms (first send - due) is the worker's too.
    expect(Math.max(...held.rows.map((r) => r.queue_ms!))).toBeLessThan(BLOCK_MS / 2);
  });

  it('does not send arrivals still held when the run stops sending', async () => {
    const providers = new Map<string, ResolvedProvider>([['stamp', { endpoint: { id: 'stamp', baseUrl: stamping.url, headers: {} } }]]);
    const ctl = new AbortController();
    const rows: ResultRow[] = [];
    await stamping.stamps();
    let abortedAt = Infinity;
    setTimeout(() => {
      abortedAt = performance.now();
      ctl.abort();
    }, 105); // arrivals every 10 ms over 400 ms, handed over 150-300 ms before due: ~20 held at the stop
    await runJobs(jobs('stop'), {
      providers, concurrency: Infinity, retry: NO_RETRY, send: client.send, releaseLeadMs: 300, signal: ctl.signal,
      mode: { kind: 'open', rate: RATE, arrival: 'constant' },
      onRow: (r) => rows.push(r),
    });
    const { records } = await stamping.stamps();
    expect(rows).toHaveLength(JOBS); // every job has its row
    const sent = new Set(records.map((r) => r.key));
    const key = (r: ResultRow) => `stop-${r.case_id.slice(1)}`;
    const dueAt = (r: ResultRow) => r.scheduled_epoch_ms! - performance.timeOrigin;
    const sentRows = rows.filter((r) => sent.has(key(r)));
    const held = rows.filter((r) => r.error_message?.includes('before this arrival was due'));
    // Sent: only arrivals due before the stop (which reaches the worker as a message: a few ms of margin).
    for (const r of sentRows) expect(dueAt(r)).toBeLessThan(abortedAt + 20);
    // Held: never sent, due after the stop, with the skipped row an arrival not yet due gets without a lead.
    expect(held.length).toBeGreaterThan(0);
    // Every other row says it was not sent (held, never handed over, or reached by the stop just as it fell due).
    for (const r of rows) if (!sent.has(key(r))) expect(r.error_type).toBe('interrupted');
    for (const r of held) {
      expect(r).toMatchObject({ status: 'skipped', error_type: 'interrupted' });
      expect(sent.has(key(r))).toBe(false);
      expect(dueAt(r)).toBeGreaterThan(abortedAt - 1);
    }
  });
});
