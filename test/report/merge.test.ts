import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.ts';
import { seededRandom } from '../../src/grade/statistics/index.ts';
import { jobId } from '../../src/plan/job-id.ts';
import { shardJobs } from '../../src/plan/shard.ts';
import { mergeRunDirs } from '../../src/report/merge.ts';
import { REPORT_FILES } from '../../src/report/report-files.ts';
import { summarizeRows, type Summary } from '../../src/report/summary.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { makeRow } from './make-row.ts';

const root = mkdtempSync(join(tmpdir(), 'evalbench-merge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const T0 = Date.parse('2025-05-01T10:00:00.000Z');
const CONFIGS = [['sim', 'fast', ''], ['sim', 'slow', 'low'], ['sim', 'slow', 'high']] as const;

/**
 * A whole run: 3 configurations x 12 cases x 2 repeats = 72 jobs with varied timings, tokens,
 * costs, grades, ITL samples, three errors, a cached answer and two budget skips; in the order
 * their jobs ended, as results.jsonl holds them.
 */
function runRows(): ResultRow[] {
  const rnd = seededRandom(7);
  const rows: ResultRow[] = [];
  for (let c = 1; c <= 12; c++) {
    for (const [provider, model, effort] of CONFIGS) {
      for (let repeat = 1; repeat <= 2; repeat++) {
        const send = T0 + Math.round(rnd() * 20_000 * 1000) / 1000;
        const latency = Math.round((200 + rnd() * 3000) * 1000) / 1000;
        const ttft = Math.round(latency * (0.1 + rnd() * 0.4) * 1000) / 1000;
        const completion = 5 + Math.floor(rnd() * 200);
        const caseId = `case-${c}`;
        rows.push(makeRow({
          job_id: jobId('merge-demo', caseId, `${provider}:${model}`, effort === '' ? null : effort, repeat),
          suite: 'merge-demo', case_id: caseId, provider, model, reasoning_effort: effort, repeat,
          started_at: new Date(send).toISOString(), send_epoch_ms: send, last_token_epoch_ms: send + latency,
          latency_ms: latency, ttft_ms: ttft, ttfa_ms: ttft + 1, ttfb_ms: ttft / 2, queue_ms: rnd() * 50,
          tpot_ms: (latency - ttft) / completion, output_tps: completion / ((latency - ttft) / 1000),
          prompt_tokens: 30 + c, completion_tokens: completion, reasoning_tokens: effort === 'high' ? completion - 5 : 0,
          total_tokens: 30 + c + completion, cost_usd: completion * 0.0000013, passed: rnd() < 0.7, score: rnd(),
          itl_samples: Array.from({ length: 4 }, () => Math.round(rnd() * 40_000) / 1000),
        }));
      }
    }
  }
  // Failed requests (still graded cases elsewhere, so they count as failures in the quality report).
  for (const i of [4, 30, 61]) {
    Object.assign(rows[i], {
      status: 'error', error_type: i === 30 ? 'rate_limited' : 'timeout', http_status: i === 30 ? 429 : null, passed: null,
      score: null, ttft_ms: null, itl_samples: [], attempts: 3, retry_wait_ms: 1500, last_token_epoch_ms: null,
      completion_tokens: null, total_tokens: null, cost_usd: null,
    } satisfies Partial<ResultRow>);
  }
  Object.assign(rows[17], { cached: true });
  rows.sort((a, b) => endOf(a) - endOf(b));
  // Jobs the budget stopped come last, without any time: the last job, and the last one that
  // another of 4 shards would run (so the merge must place rows without a time from two files).
  const shardIndex = new Map<string, number>();
  for (let k = 1; k <= 4; k++) for (const j of shardJobs(rows.map((r) => ({ id: r.job_id })), k, 4)) shardIndex.set(j.id, k);
  const lastShard = shardIndex.get(rows[71].job_id);
  const other = rows.findLastIndex((r) => shardIndex.get(r.job_id) !== lastShard);
  rows.push(...rows.splice(other, 1));
  rows.push(...rows.splice(70, 1));
  for (const i of [70, 71]) {
    Object.assign(rows[i], {
      status: 'skipped', error_type: 'budget', attempts: 0, started_at: null, send_epoch_ms: null, last_token_epoch_ms: null,
      latency_ms: null, ttft_ms: null, ttfa_ms: null, ttfb_ms: null, queue_ms: null, tpot_ms: null, output_tps: null,
      prompt_tokens: null, completion_tokens: null, reasoning_tokens: null, total_tokens: null, cost_usd: null,
      passed: null, score: null, itl_samples: [], output: '',
    } satisfies Partial<ResultRow>);
  }
  return rows;
}

function endOf(r: ResultRow): number {
  return r.last_token_epoch_ms ?? r.send_epoch_ms! + r.latency_ms!;
}

function writeRun(dir: string, rows: readonly ResultRow[], summary?: Summary): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, REPORT_FILES.jsonl), rows.map((r) => JSON.stringify(r) + '\n').join(''));
  if (summary) writeFileSync(join(dir, REPORT_FILES.summaryJson), JSON.stringify(summary));
}

/** summary.json minus what depends on when and how the run was timed as a whole. */
function untimed(s: Summary): unknown {
  const strip = ({ throughput: _t, ...g }: Summary['overall']) => g;
  const { started_at: _a, finished_at: _b, duration_ms: _c, ...rest } = s;
  return { ...rest, groups: s.groups.map(strip), overall: strip(s.overall) };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('mergeRunDirs', () => {
  it('merges a 4-way sharded run into the summary of the same run unsharded', async () => {
    const all = runRows();
    const whole = await summarizeRows(all, { suite: 'merge-demo', startedAt: iso(T0), finishedAt: iso(T0 + 25_000) });
    expect(whole.quality).toBeDefined();
    expect(whole.overall.counts).toEqual({ total: 72, ok: 67, error: 3, skipped: 2, cached: 1, incomplete: 0 });

    const shards = [1, 2, 3, 4].map((i) => shardJobs(all.map((r) => ({ id: r.job_id, row: r })), i, 4).map((j) => j.row));
    expect(shards.map((s) => s.length)).toEqual([18, 18, 18, 18]);
    const dirs: string[] = [];
    for (const [k, rows] of shards.entries()) {
      const dir = join(root, 'run', `shard-${k + 1}`);
      // Each shard ran on its own machine at its own time.
      const meta = { suite: 'merge-demo', startedAt: iso(T0 - 1000 * k), finishedAt: iso(T0 + 21_000 + 1000 * k) };
      writeRun(dir, rows, await summarizeRows(rows, meta));
      dirs.push(dir);
    }

    const out = join(root, 'run', 'merged');
    const result = await mergeRunDirs(dirs, out);
    expect(result.rows).toBe(72);
    expect(result.duplicates).toEqual([]);
    expect(result.inputs.map((i) => i.rows)).toEqual([18, 18, 18, 18]);

    const written = JSON.parse(readFileSync(join(out, REPORT_FILES.summaryJson), 'utf8')) as Summary;
    expect(written).toEqual(result.summary);
    expect(untimed(result.summary)).toEqual(untimed(whole));
    // The shards' own summaries differ from the whole (each has a quarter of the rows).
    expect(untimed(JSON.parse(readFileSync(join(dirs[0], REPORT_FILES.summaryJson), 'utf8')))).not.toEqual(untimed(whole));
    // The run's span is from the first shard's start to the last shard's finish.
    expect(result.summary).toMatchObject({ started_at: iso(T0 - 3000), finished_at: iso(T0 + 24_000), duration_ms: 27_000 });

    // Rows come back in the order their jobs ended, as one run would have written them; the
    // skipped jobs (from two different shards) last.
    const merged = readFileSync(join(out, REPORT_FILES.jsonl), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as ResultRow);
    const shardOf = (r: ResultRow) => shards.findIndex((s) => s.includes(r));
    expect(shardOf(all[70])).not.toBe(shardOf(all[71]));
    expect(merged.slice(0, 70)).toEqual(all.slice(0, 70));
    expect(merged.slice(70)).toEqual(shardOf(all[70]) < shardOf(all[71]) ? all.slice(70) : [all[71], all[70]]);
    for (const f of Object.values(REPORT_FILES)) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, REPORT_FILES.csv), 'utf8').trimEnd().split('\n')).toHaveLength(73);
  });

  it('keeps one row per job: the ok one over a failure, else the later', async () => {
    const a = join(root, 'dup', 'a');
    const b = join(root, 'dup', 'b');
    writeRun(a, [
      makeRow({ job_id: 'j1', case_id: 'c1', status: 'ok', send_epoch_ms: 1000, last_token_epoch_ms: 1100, output: 'a-ok' }),
      makeRow({ job_id: 'j2', case_id: 'c2', status: 'error', error_type: 'timeout', send_epoch_ms: 1000, last_token_epoch_ms: null, latency_ms: 500 }),
      makeRow({ job_id: 'j3', case_id: 'c3', status: 'ok', send_epoch_ms: 1200, last_token_epoch_ms: 1300, output: 'a-first' }),
    ]);
    writeRun(b, [
      makeRow({ job_id: 'j1', case_id: 'c1', status: 'error', error_type: 'server_error', send_epoch_ms: 2000, last_token_epoch_ms: null, latency_ms: 5 }),
      makeRow({ job_id: 'j2', case_id: 'c2', status: 'ok', send_epoch_ms: 2000, last_token_epoch_ms: 2100, output: 'b-ok' }),
      makeRow({ job_id: 'j3', case_id: 'c3', status: 'ok', send_epoch_ms: 2200, last_token_epoch_ms: 2300, output: 'b-later' }),
      makeRow({ job_id: 'j4', case_id: 'c4', status: 'ok', send_epoch_ms: 2400, last_token_epoch_ms: 2500 }),
    ]);
    const out = join(root, 'dup', 'out');
    const result = await mergeRunDirs([a, b], out);
    expect(result.rows).toBe(4);
    expect(result.duplicates).toEqual([
      { job_id: 'j1', kept: { dir: a, status: 'ok' }, dropped: [{ dir: b, status: 'error' }] },
      { job_id: 'j2', kept: { dir: b, status: 'ok' }, dropped: [{ dir: a, status: 'error' }] },
      { job_id: 'j3', kept: { dir: b, status: 'ok' }, dropped: [{ dir: a, status: 'ok' }] },
    ]);
    const rows = readFileSync(join(out, REPORT_FILES.jsonl), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as ResultRow);
    expect(rows.map((r) => `${r.job_id}:${r.output}`)).toEqual(['j1:a-ok', 'j2:b-ok', 'j3:b-later', 'j4:hello']);
    expect(result.summary.overall.counts).toMatchObject({ total: 4, ok: 4, error: 0 });
    // No shard summary.json: the span comes from the rows (first send 1000, last end 2500).
    expect(result.summary.started_at).toBe(iso(1000));
    expect(result.summary.finished_at).toBe(iso(2500));
  });

  it('skips a torn last line of a shard and counts it', async () => {
    const a = join(root, 'torn', 'a');
    mkdirSync(a, { recursive: true });
    writeFileSync(join(a, REPORT_FILES.jsonl), JSON.stringify(makeRow({ job_id: 'x' })) + '\n{"job_id":"y","sui');
    const result = await mergeRunDirs([a], join(root, 'torn', 'out'));
    expect(result.rows).toBe(1);
    expect(result.inputs).toEqual([{ dir: a, rows: 1, tornLines: 1 }]);
  });

  it('rejects bad inputs with InputError codes', async () => {
    const a = join(root, 'bad', 'a');
    const other = join(root, 'bad', 'other');
    writeRun(a, [makeRow({ job_id: 'x', suite: 'one' })]);
    writeRun(other, [makeRow({ job_id: 'y', suite: 'two' })]);
    const code = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as InputError).code;
      }
      return 'no error';
    };
    expect(await code(mergeRunDirs([], join(root, 'bad', 'o1')))).toBe('MERGE_NO_INPUT');
    expect(await code(mergeRunDirs([a, join(root, 'bad', 'missing')], join(root, 'bad', 'o2')))).toBe('MERGE_INPUT_MISSING');
    expect(await code(mergeRunDirs([a, `${a}/`], join(root, 'bad', 'o3')))).toBe('MERGE_SAME_DIR');
    expect(await code(mergeRunDirs([a], a))).toBe('MERGE_SAME_DIR');
    expect(await code(mergeRunDirs([a, other], join(root, 'bad', 'o4')))).toBe('MERGE_SUITE_MISMATCH');
    expect(existsSync(join(root, 'bad', 'o4'))).toBe(false);
  });
});
