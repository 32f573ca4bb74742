import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/plan/types.ts';
import { prepareResume } from '../../src/session/resume.ts';
import { makeRow } from '../report/make-row.ts';

const root = mkdtempSync(join(tmpdir(), 'evalbench-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const job = (id: string) => ({ id }) as Job;

function folder(name: string): string {
  const path = join(root, `${name}.jsonl`);
  const rows = [
    makeRow({ job_id: 'a', status: 'ok' }),
    makeRow({ job_id: 'b', status: 'error', error_type: 'timeout' }),
    makeRow({ job_id: 'c', status: 'error', error_type: 'timeout' }),
    makeRow({ job_id: 'c', status: 'ok', output: 'second try' }),
    makeRow({ job_id: 'd', status: 'skipped', error_type: 'budget' }),
  ];
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  appendFileSync(path, '{"job_id":"e","sta'); // torn by a crash
  return path;
}

describe('prepareResume', () => {
  it('rewrites the kept rows and walks the plan lazily for the jobs still to run', async () => {
    const path = folder('lazy');
    const plan = ['a', 'b', 'c', 'd', 'e', 'f'];
    let passes = 0;
    const source = function* () {
      passes++;
      for (const id of plan) yield job(id);
    };
    const kept: string[] = [];
    const r = await prepareResume(path, source, { onKept: (row) => kept.push(`${row.job_id}:${row.status}`) });
    expect(r).toMatchObject({ kept: 3, toRun: 3, tornLines: 1 });
    expect(kept).toEqual(['a:ok', 'b:error', 'c:ok']);
    const ids = (it: Iterable<Job>) => [...it].map((j) => j.id);
    expect(ids(r.jobsToRun())).toEqual(['d', 'e', 'f']);
    // A fresh pass over the plan each time: no list of remaining jobs is held.
    const before = passes;
    expect(ids(r.jobsToRun())).toEqual(['d', 'e', 'f']);
    expect(passes).toBe(before + 1);
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.job_id}:${l.status}`)).toEqual(['a:ok', 'b:error', 'c:ok']);
  });

  it('runs failed jobs again with retryErrors, from an array too', async () => {
    const r = await prepareResume(folder('retry'), ['a', 'b', 'c', 'd'].map(job), { retryErrors: true });
    expect([...r.jobsToRun()].map((j) => j.id)).toEqual(['b', 'd']);
    expect(r.toRun).toBe(2);
  });
});
