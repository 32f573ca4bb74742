import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSuite, type RunReporter } from '../../src/session/index.ts';
import { parseSuite } from '../../src/suite/load-suite.ts';
import { REPORT_FILES } from '../../src/report/index.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-reporters-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const suite = (file: string) => parseSuite(`
name: hooks
models: [sim:instant]
cases:
  - { id: a, prompt: "What is 3 * 7?", assert: [{ type: contains, value: "21" }] }
  - { id: b, prompt: "What is 4 * 7?", assert: [{ type: contains, value: "nope" }] }
  - { id: c, prompt: "What is 5 * 7?" }
`, file);

/** A reporter that writes down every hook call (and what the folder held at onFinished). */
function recorder(): { reporter: RunReporter; calls: string[] } {
  const calls: string[] = [];
  const reporter: RunReporter = {
    onPlan: (p) => calls.push(`plan ${p.total}`),
    onRow: (row, origin) => calls.push(`row ${origin} ${row.case_id}`),
    onProgress: (e) => {
      if (e.type === 'job-end') calls.push(`progress ${e.row.case_id}`);
    },
    onRunEnd: () => calls.push('run-end'),
    onFinished: (summary, dir) => {
      const present = Object.values(REPORT_FILES).filter((f) => fs.existsSync(path.join(dir, f)));
      calls.push(`finished ${summary.overall.counts.total} [${present.join(',')}]`);
    },
  };
  return { reporter, calls };
}

describe('runSuite reporters', () => {
  it('calls the hooks of a caller\'s reporter in order, after the built-in reporters wrote the folder', async () => {
    const outDir = path.join(root, 'run');
    const { reporter, calls } = recorder();
    const outcome = await runSuite(suite(path.join(root, 'suite.yaml')), { outDir, warmUp: false, reporters: [reporter] });
    expect(calls[0]).toBe('plan 3');
    const rows = calls.filter((c) => c.startsWith('row '));
    expect(rows.sort()).toEqual(['row run a', 'row run b', 'row run c']);
    expect(calls.filter((c) => c.startsWith('progress ')).length).toBe(3);
    expect(calls.slice(-2)).toEqual(['run-end', `finished 3 [${Object.values(REPORT_FILES).join(',')}]`]);
    // summary.md: the failure digest written with the summary, not appended after it.
    expect(outcome.failures.map((g) => g.failed)).toEqual([1]);
    expect(fs.readFileSync(outcome.files.summaryMd, 'utf8')).toContain('Why it failed');
  });

  it('--resume hands the kept rows to onRow as kept, before the plan', async () => {
    const outDir = path.join(root, 'resume');
    await runSuite(suite(path.join(root, 'suite.yaml')), { outDir, warmUp: false });
    const lines = fs.readFileSync(path.join(outDir, REPORT_FILES.jsonl), 'utf8').trimEnd().split('\n');
    fs.writeFileSync(path.join(outDir, REPORT_FILES.jsonl), lines.slice(0, 2).join('\n') + '\n');
    const { reporter, calls } = recorder();
    await runSuite(suite(path.join(root, 'suite.yaml')), { resume: outDir, warmUp: false, reporters: [reporter] });
    expect(calls.slice(0, 3).map((c) => c.replace(/ [abc]$/, ''))).toEqual(['row kept', 'row kept', 'plan 1']);
    expect(calls.filter((c) => c.startsWith('row run')).length).toBe(1);
    expect(fs.readFileSync(path.join(outDir, REPORT_FILES.jsonl), 'utf8').trimEnd().split('\n')).toHaveLength(3);
  });
});
