import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';

/**
 * The sharding examples, run as written: the test reads the shard count, the engine's variables
 * and the shell commands from each file, sets the variables an engine would, and runs the
 * commands (with `npx evalbench` pointing at this checkout) on a simulator suite.
 */
const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-examples-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ENGINE_VARS = ['CI_NODE_INDEX', 'CI_NODE_TOTAL', 'CIRCLE_NODE_INDEX', 'CIRCLE_NODE_TOTAL', 'BUILDKITE_PARALLEL_JOB',
  'BUILDKITE_PARALLEL_JOB_COUNT', 'JOB_COMPLETION_INDEX', 'EVALBENCH_SHARD', 'EVALBENCH_SHARD_COUNT'];
const suite = path.join(dir, 'suite.yaml');
fs.writeFileSync(suite, `name: examples\nmodels: [sim:instant]\nrepeats: 2\ncases:\n${[1, 2, 3, 4].map((i) => `  - { id: c${i}, prompt: "What is ${i} + 1?" }`).join('\n')}\n`);

/** Runs one command line of an example under sh, as the engine would. */
async function sh(command: string, env: Record<string, string>, cwd: string) {
  const local = command.replace(/npx (--yes )?evalbench/g, `"${process.execPath}" "${path.join(root, 'bin/evalbench.js')}"`);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !ENGINE_VARS.includes(k)));
  try {
    const r = await exec('sh', ['-c', local], { cwd, env: { ...base, ...env, SUITE: suite } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const evalbenchLine = (lines: string[]) => {
  const found = lines.filter((l) => /npx (--yes )?evalbench (run|merge)/.test(l));
  expect(found).toHaveLength(1);
  return found[0];
};

/** Runs the shards at once, then the merge; checks the merged folder covers the whole plan. */
async function exercise(name: string, count: number, shardEnv: (i: number) => Record<string, string>, runCmd: string, mergeCmd: string, mergeEnv: Record<string, string>, source: string) {
  const cwd = path.join(dir, name);
  fs.mkdirSync(cwd);
  const results = path.join(cwd, 'results');
  const runs = await Promise.all(Array.from({ length: count }, (_, k) => sh(runCmd, { ...shardEnv(k + 1), RESULTS: results }, cwd)));
  runs.forEach((r) => expect(r.code, r.stderr).toBe(0));
  const merged = await sh(mergeCmd, { ...mergeEnv, RESULTS: results }, cwd);
  expect(merged.code, merged.stderr).toBe(0);
  expect(merged.stdout).toContain(`merged 8 rows from ${count} folders (${count} of ${count} shards)`);
  const summary = JSON.parse(fs.readFileSync(path.join(results, 'merged', 'summary.json'), 'utf8'));
  expect(summary.overall.counts).toMatchObject({ total: 8, ok: 8 });
  expect(summary.shards).toMatchObject({ merged: count, of: count, missing: [] });
  for (const d of fs.readdirSync(results).filter((f) => f.startsWith('shard-'))) {
    expect(JSON.parse(fs.readFileSync(path.join(results, d, 'run.json'), 'utf8')).shard.source).toBe(source);
  }
}

describe('examples', () => {
  it('examples/ci/github-matrix.yml: the matrix sets EVALBENCH_SHARD, the shards run and merge', async () => {
    const wf = YAML.parse(fs.readFileSync(path.join(root, 'examples/ci/github-matrix.yml'), 'utf8'));
    const job = wf.jobs.shard;
    const shards: number[] = job.strategy.matrix.shard;
    expect(Number(job.env.EVALBENCH_SHARD_COUNT)).toBe(shards.length);
    expect(job.env.EVALBENCH_SHARD).toBe('${{ matrix.shard }}');
    const run = evalbenchLine(job.steps.map((s: { run?: string }) => s.run ?? ''));
    const merge = evalbenchLine(wf.jobs.merge.steps.map((s: { run?: string }) => s.run ?? ''));
    await exercise('github', shards.length, (i) => ({ EVALBENCH_SHARD: String(shards[i - 1]), EVALBENCH_SHARD_COUNT: String(job.env.EVALBENCH_SHARD_COUNT) }), run, merge, {}, 'EVALBENCH_SHARD');
  }, 180_000);

  it('examples/ci/gitlab-parallel.yml: parallel jobs get CI_NODE_INDEX/CI_NODE_TOTAL, run and merge', async () => {
    const ci = YAML.parse(fs.readFileSync(path.join(root, 'examples/ci/gitlab-parallel.yml'), 'utf8'));
    const count: number = ci['evalbench-shard'].parallel;
    const run = evalbenchLine(ci['evalbench-shard'].script);
    const merge = evalbenchLine(ci['evalbench-merge'].script);
    expect(ci['evalbench-merge'].needs).toContain('evalbench-shard');
    await exercise('gitlab', count, (i) => ({ CI_NODE_INDEX: String(i), CI_NODE_TOTAL: String(count) }), run, merge, {}, 'GitLab CI');
  }, 180_000);

  it('examples/k8s/indexed-job.yaml: JOB_COMPLETION_INDEX 0..n-1 with EVALBENCH_SHARD_COUNT = completions, run and merge', async () => {
    const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(root, 'examples/k8s/indexed-job.yaml'), 'utf8')).map((d) => d.toJS());
    const shardsJob = docs.find((d) => d.kind === 'Job' && d.spec.completionMode === 'Indexed');
    const mergeJob = docs.find((d) => d.kind === 'Job' && d !== shardsJob);
    const count: number = shardsJob.spec.completions;
    const envOf = (c: { env: { name: string; value?: string }[] }) =>
      Object.fromEntries(c.env.filter((e) => e.value !== undefined && !['SUITE', 'RESULTS'].includes(e.name)).map((e) => [e.name, e.value!]));
    const shardContainer = shardsJob.spec.template.spec.containers[0];
    const mergeContainer = mergeJob.spec.template.spec.containers[0];
    expect(envOf(shardContainer).EVALBENCH_SHARD_COUNT).toBe(String(count));
    const run = evalbenchLine(shardContainer.args);
    const merge = mergeContainer.args.join('\n');
    expect(merge).toMatch(/npx --yes evalbench merge/);
    await exercise('k8s', count, (i) => ({ ...envOf(shardContainer), JOB_COMPLETION_INDEX: String(i - 1) }), run, merge, envOf(mergeContainer), 'Kubernetes Indexed Job');
  }, 180_000);
});
