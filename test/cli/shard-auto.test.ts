import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupSummary, Summary } from '../../src/report/summary.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { runCli } from '../helpers/run-cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-shard-auto-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Engine variables a test sets must not mix with the ones of the CI this test runs on. */
const ENGINE_VARS = ['CI_NODE_INDEX', 'CI_NODE_TOTAL', 'CIRCLE_NODE_INDEX', 'CIRCLE_NODE_TOTAL', 'BUILDKITE_PARALLEL_JOB',
  'BUILDKITE_PARALLEL_JOB_COUNT', 'JOB_COMPLETION_INDEX', 'EVALBENCH_SHARD', 'EVALBENCH_SHARD_COUNT'];

async function cli(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !ENGINE_VARS.includes(k)));
  return runCli(args, { cwd: dir, baseEnv: base, env });
}

const rowsOf = (d: string): ResultRow[] =>
  fs.readFileSync(path.join(dir, d, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResultRow);
const summaryOf = (d: string): Summary => JSON.parse(fs.readFileSync(path.join(dir, d, 'summary.json'), 'utf8')) as Summary;
/** What a row says apart from when it ran. */
const rowFacts = (r: ResultRow) => [r.job_id, r.status, r.error_type, r.output, r.passed, r.prompt_tokens, r.completion_tokens, r.cost_usd];
const byId = (rows: ResultRow[]) => rows.map(rowFacts).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
const timeless = (g: GroupSummary) => ({
  model: g.model_ref, effort: g.reasoning_effort, counts: g.counts, errors: g.errors_by_type,
  tokens: g.tokens, cost: g.cost_usd, grading: g.grading, attempts: g.attempts,
});

const cases = Array.from({ length: 9 }, (_, i) => `  - { id: c${i}, prompt: "What is ${i + 3} * 6?", assert: [{ type: equals, value: "${(i + 3) * 6}" }] }`);
beforeAll(() => {
  fs.writeFileSync(path.join(dir, 'suite.yaml'), `name: auto\nmodels: [sim:instant, sim:fast]\nrepeats: 2\nconcurrency: 8\ndefaults: { max_completion_tokens: 12 }\ncases:\n${cases.join('\n')}\n`);
  // Another plan of the same suite name: one more case.
  fs.writeFileSync(path.join(dir, 'suite-v2.yaml'), `name: auto\nmodels: [sim:instant, sim:fast]\nrepeats: 2\nconcurrency: 8\ndefaults: { max_completion_tokens: 12 }\ncases:\n${cases.join('\n')}\n  - { id: extra, prompt: "What is 2 * 2?" }\n`);
});

describe('run --shard auto + merge', () => {
  let whole: Summary;

  beforeAll(async () => {
    const r = await cli(['run', 'suite.yaml', '--out', 'whole', '--progress', 'off']);
    expect(r.code, r.stderr).toBe(0);
    whole = summaryOf('whole');
  }, 60_000);

  it.each([
    ['GitLab CI', (i: number) => ({ CI_NODE_INDEX: String(i), CI_NODE_TOTAL: '3' })],
    ['Kubernetes Indexed Job', (i: number) => ({ JOB_COMPLETION_INDEX: String(i - 1), EVALBENCH_SHARD_COUNT: '3' })],
  ])('%s: three shards merge to the unsharded run\'s rows and summary', async (engine, envOf) => {
    const tag = engine.split(' ')[0].toLowerCase();
    // The shards run at once, as on a CI matrix.
    const runs = await Promise.all([1, 2, 3].map((i) => cli(['run', 'suite.yaml', '--shard', 'auto', '--out', `${tag}-${i}`, '--progress', 'off'], envOf(i))));
    for (const i of [1, 2, 3]) {
      const r = runs[i - 1];
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`shard ${i}/3 from the ${engine} environment`);
      const record = JSON.parse(fs.readFileSync(path.join(dir, `${tag}-${i}`, 'run.json'), 'utf8'));
      expect(record.shard).toMatchObject({ index: i, count: 3, source: engine });
      expect(record.plan_fingerprint).toBe(JSON.parse(fs.readFileSync(path.join(dir, 'whole', 'run.json'), 'utf8')).plan_fingerprint);
    }
    const m = await cli(['merge', `${tag}-1`, `${tag}-2`, `${tag}-3`, '--out', `${tag}-merged`]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toContain('merged 36 rows from 3 folders (3 of 3 shards)');
    expect(byId(rowsOf(`${tag}-merged`))).toEqual(byId(rowsOf('whole')));
    const merged = summaryOf(`${tag}-merged`);
    expect(merged.groups.map(timeless)).toEqual(whole.groups.map(timeless));
    expect(timeless(merged.overall)).toEqual(timeless(whole.overall));
    expect(merged.shards).toMatchObject({ merged: 3, of: 3, missing: [], duplicated: [] });
    expect(merged.shards!.clock!.measured).toBe(3);
  }, 120_000);

  it('refuses shards of different plans (exit 2), names a missing shard (exit 1), merges 2 of 3 with --allow-partial', async () => {
    const other = await cli(['run', 'suite-v2.yaml', '--shard', '3/3', '--out', 'v2-3', '--progress', 'off']);
    expect(other.code, other.stderr).toBe(0);
    const mismatch = await cli(['merge', 'gitlab-1', 'gitlab-2', 'v2-3', '--out', 'bad']);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/not shards of one plan: `gitlab-1`, `gitlab-2` .* vs `v2-3`/);
    expect(fs.existsSync(path.join(dir, 'bad'))).toBe(false);

    const partial = await cli(['merge', 'gitlab-1', 'kubernetes-2', '--out', 'partial']);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain('2 of 3 shards; missing shard 3/3');
    expect(fs.existsSync(path.join(dir, 'partial'))).toBe(false);

    const allowed = await cli(['merge', 'gitlab-1', 'kubernetes-2', '--out', 'partial', '--allow-partial']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toMatch(/Shards:\s+2 of 3 shards \(missing 3\/3\)/);
    expect(fs.readFileSync(path.join(dir, 'partial', 'summary.md'), 'utf8')).toContain('2 of 3 shards (missing 3/3)');
    expect(rowsOf('partial').length).toBe(rowsOf('gitlab-1').length + rowsOf('kubernetes-2').length);

    // The same shard twice (a retried CI job) is named, and its jobs are counted once.
    const twice = await cli(['merge', 'gitlab-1', 'gitlab-2', 'kubernetes-2', 'gitlab-3', '--out', 'twice']);
    expect(twice.code, twice.stderr).toBe(0);
    expect(twice.stdout).toContain('2/3 given twice (rows counted once)');
    expect(rowsOf('twice').length).toBe(36);
  }, 120_000);

  it('--max-cost with --shard auto is the whole run\'s budget: three shards spend at most that', async () => {
    const full = whole.overall.cost_usd!;
    expect(full).toBeGreaterThan(0);
    // Half of what the whole run costs: each shard alone could spend it all if the budget were per shard.
    const budget = Number((full / 2).toFixed(8));
    const runs = await Promise.all([1, 2, 3].map((i) => cli(['run', 'suite.yaml', '--shard', 'auto', '--max-cost', String(budget), '--out', `budget-${i}`, '--progress', 'off'],
      { EVALBENCH_SHARD: String(i), EVALBENCH_SHARD_COUNT: '3' })));
    for (const i of [1, 2, 3]) {
      const r = runs[i - 1];
      expect([0, 1], r.stderr).toContain(r.code);
      const record = JSON.parse(fs.readFileSync(path.join(dir, `budget-${i}`, 'run.json'), 'utf8'));
      expect(record.budgets.max_cost_usd.total).toBe(budget);
      expect(record.budgets.max_cost_usd.share).toBeCloseTo(budget / 3, 8);
    }
    const m = await cli(['merge', 'budget-1', 'budget-2', 'budget-3', '--out', 'budget-merged']);
    expect(m.code, m.stderr).toBe(0);
    const merged = summaryOf('budget-merged');
    const spent = rowsOf('budget-merged').reduce((s, r) => s + (r.cost_usd ?? 0), 0);
    expect(spent).toBeLessThanOrEqual(budget);
    expect(merged.overall.counts.skipped).toBeGreaterThan(0);
    expect(merged.shards!.budget).toEqual({ max_cost_usd: budget, spent_usd: merged.overall.cost_usd });
    expect(m.stdout).toMatch(/Budget:\s+spent \$\S+ of the whole run's --max-cost \$/);
  }, 120_000);

  it('--shard auto with no engine variable: exit 2 naming the variables looked for', async () => {
    const r = await cli(['run', 'suite.yaml', '--shard', 'auto', '--out', 'none', '--progress', 'off']);
    expect(r.code).toBe(2);
    for (const v of ['CI_NODE_INDEX', 'CIRCLE_NODE_INDEX', 'BUILDKITE_PARALLEL_JOB', 'JOB_COMPLETION_INDEX', 'EVALBENCH_SHARD_COUNT']) {
      expect(r.stderr).toContain(v);
    }
    expect(fs.existsSync(path.join(dir, 'none'))).toBe(false);
  }, 60_000);
});
