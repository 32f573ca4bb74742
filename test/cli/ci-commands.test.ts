import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-ci-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd: dir, env });
}

const suite = path.join(dir, 'suite.yaml');

beforeAll(() => {
  fs.writeFileSync(suite, `
name: ci
models: [sim:instant, sim:slow]
concurrency: 16
gates: { max_error_rate: 0.5 }
cases:
${Array.from({ length: 6 }, (_, i) => `  - { id: c${i}, prompt: "What is ${i + 2} + 5?", assert: [{ type: equals, value: "${i + 7}" }] }`).join('\n')}
`);
});

describe('the CI workflow, command by command', () => {
  it('runs shards, merges them, checks gates and compares', async () => {
    for (const i of [1, 2]) {
      const r = await cli(['run', suite, '--shard', `${i}/2`, '--out', `shard-${i}`, '--progress', 'off']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('gates are not checked on a shard');
    }
    const merged = await cli(['merge', 'shard-1', 'shard-2', '--out', 'merged']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('merged 12 rows from 2 folders');
    for (const f of ['results.jsonl', 'results.csv', 'summary.json', 'summary.md', 'junit.xml', 'report.html']) {
      expect(fs.existsSync(path.join(dir, 'merged', f)), f).toBe(true);
    }

    // A gate that cannot pass: exit 1, and a table that says which gate and what was measured.
    const summaryFile = path.join(dir, 'step-summary.md');
    const failing = await cli(['report', 'merged', '--max-p95-latency-ms', '1', '--suite', suite], { GITHUB_STEP_SUMMARY: summaryFile });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/max_p95_latency_ms\s+overall\s+<= 1.00 ms\s+\S+ ms\s+FAIL/);
    expect(failing.stdout).toMatch(/max_error_rate\s+overall/); // from the suite's gates:
    expect(fs.readFileSync(summaryFile, 'utf8')).toContain('## Gates');

    const passing = await cli(['report', 'merged', '--max-error-rate', '0.1']);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/max_error_rate\s+overall\s+<= 10.0%\s+0.0%\s+pass/);

    // The same run compared with itself is no regression.
    const same = await cli(['compare', 'merged', 'merged', '--fail-on-regression']);
    expect(same.code, same.stdout).toBe(0);

    const junit = fs.readFileSync(path.join(dir, 'merged', 'junit.xml'), 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(12);
  }, 120_000);
});
