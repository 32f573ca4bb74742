// `run --workers 2` (HTTP clients in worker threads) gives the rows and statistics of
// `--workers 1` (the main thread sends): the same seeded simulator suite, compared in content.
// Only what legitimately differs between two runs is left out: times and what is computed from them.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultRow } from '../../src/results/result-row.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-workers-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Row fields that are times, or computed from times. */
const TIMED: (keyof ResultRow | 'itl_sample_count')[] = [
  'started_at', 'queue_ms', 'latency_ms', 'ttfb_ms', 'ttft_ms', 'ttfa_ms', 'itl_p50_ms', 'itl_max_ms', 'itl_coalesced',
  'tpot_ms', 'output_tps', 'retry_wait_ms', 'itl_samples', 'itl_sample_count', 'send_epoch_ms', 'last_token_epoch_ms',
  'scheduled_epoch_ms',
];

/**
 * Sums over rows (a group's cost) are added in the order the rows ended, which no two runs share:
 * the last bits of a float sum differ. Compared to 12 significant digits.
 */
function rounded(x: unknown): unknown {
  if (typeof x === 'number') return Number(x.toPrecision(12));
  if (Array.isArray(x)) return x.map(rounded);
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, rounded(v)]));
}

/**
 * `x` without its time fields (names ending in _ms or _tps), at any depth; per-case lists (of
 * objects or of case ids) in case order: cases with equal numbers are listed in the order their
 * rows ended, which no two runs share, not even two runs on one thread.
 */
function withoutTimes(x: unknown): unknown {
  if (Array.isArray(x)) {
    const caseId = (v: unknown) => (typeof v === 'string' ? v : String((v as { case_id?: string } | null)?.case_id ?? ''));
    return x.map(withoutTimes).sort((a, b) => caseId(a).localeCompare(caseId(b)));
  }
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(Object.entries(x).filter(([k]) => !/_(ms|tps)$/.test(k)).map(([k, v]) => [k, withoutTimes(v)]));
}

async function runWith(workers: number, extra: string[] = []) {
  const out = path.join(dir, `w${workers}${extra.join('')}`);
  await run(process.execPath, [
    path.join(root, 'bin/evalbench.js'), 'run', path.join(root, 'suites/example.yaml'),
    '--repeats', '2', '--workers', String(workers), '--out', out, '--progress', 'off', ...extra,
  ], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  const rows = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .sort((a, b) => String(a.job_id).localeCompare(String(b.job_id)));
  for (const r of rows) for (const k of TIMED) delete r[k];
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  const untimed = (g: Record<string, unknown>) => ({
    counts: g.counts, errors_by_type: g.errors_by_type, attempts: g.attempts, retries: g.retries,
    tokens: g.tokens, cost_usd: g.cost_usd, grading: g.grading, ttft_count: (g.metrics as { ttft_ms: { count: number } }).ttft_ms.count,
  });
  return {
    rows, quality: rounded(withoutTimes(summary.quality)), overall: rounded(untimed(summary.overall)), groups: rounded(summary.groups.map(untimed)),
    releases: (summary.self_check?.schedule_lag_ms as { count: number } | null)?.count ?? null,
  };
}

/** Every row ok, and the threaded run's rows and statistics equal to the in-thread run's. */
function expectSameContent(one: Awaited<ReturnType<typeof runWith>>, two: Awaited<ReturnType<typeof runWith>>): void {
  expect(one.rows).toHaveLength(144);
  expect(one.rows.filter((r) => r.status === 'ok')).toHaveLength(144);
  expect(two.rows).toEqual(one.rows);
  expect(two.overall).toEqual(one.overall);
  expect(two.groups).toEqual(one.groups);
  expect(two.quality).toEqual(one.quality);
}

describe('run --workers', () => {
  it('writes the same rows and statistics from worker threads as from the main thread', async () => {
    expectSameContent(await runWith(1), await runWith(2));
  }, 120_000);

  it('does so in rate mode too, where the worker threads hold each arrival until due', async () => {
    const one = await runWith(1, ['--rate', '200']);
    const two = await runWith(2, ['--rate', '200']);
    expectSameContent(one, two);
    // Every arrival's release is counted, held or not.
    expect(one.releases).toBe(144);
    expect(two.releases).toBe(144);
  }, 120_000);
});
