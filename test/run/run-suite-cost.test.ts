import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import { parseSuite } from '../../src/suite/load-suite.ts';
import { estimateSuite } from '../../src/cost/estimate-suite.ts';
import { readJsonlRows } from '../../src/results/jsonl-sink.ts';
import type { ResultRow } from '../../src/results/result-row.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-run-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function rows(dir: string): Promise<ResultRow[]> {
  const out: ResultRow[] = [];
  for await (const r of readJsonlRows(path.join(dir, 'results.jsonl'))) out.push(r);
  return out;
}

// Prices chosen so costs are easy to check by hand: $1 per 1M input, $0.5 cached, $2 output.
const suiteText = (extra = '') => `
name: costs
models: [sim:instant, sim:fast]
pricing:
  "sim:instant": { input: 1, cached_input: 0.5, output: 2 }
  "sim:fast": { input: 1, cached_input: 0.5, output: 2 }
defaults: { max_completion_tokens: 64 }
concurrency: 4
${extra}
cases:
${Array.from({ length: 8 }, (_, i) => `  - { id: c${i}, prompt: "What is ${i + 3} * ${i + 7}?" }`).join('\n')}
`;

describe('cost per row and totals', () => {
  it('computes cost_usd from usage by the documented formula', async () => {
    const dir = tmp();
    const suite = parseSuite(suiteText(), path.join(dir, 'suite.yaml'));
    const outcome = await runSuite(suite, { outDir: path.join(dir, 'out'), warmUp: false });
    const all = await rows(outcome.outDir);
    expect(all).toHaveLength(16);
    let total = 0;
    for (const r of all) {
      const expected = ((r.prompt_tokens! - r.cached_tokens!) * 1 + r.cached_tokens! * 0.5 + r.completion_tokens! * 2) / 1e6;
      expect(r.cost_usd).toBeCloseTo(expected, 12);
      total += expected;
    }
    expect(outcome.summary.overall.cost_usd).toBeCloseTo(total, 10);
  });
});

describe('--max-cost budget guard', () => {
  it('stops dispatching before the budget can be exceeded; the rest are skipped rows', async () => {
    const dir = tmp();
    const suite = parseSuite(suiteText(), path.join(dir, 'suite.yaml'));
    // Worst case per job ~ (prompt ~25 tok x $1 + 64 x $2) / 1M ~ $0.00016; actual ~ $0.00004:
    // every job fits the worst case alone, but all 16 together cost more than the budget.
    const budget = 0.0003;
    const outcome = await runSuite(suite, { outDir: path.join(dir, 'out'), maxCostUsd: budget, warmUp: false });
    const all = await rows(outcome.outDir);
    expect(all).toHaveLength(16); // nothing silently missing
    const skipped = all.filter((r) => r.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((r) => r.error_type === 'budget')).toBe(true);
    const spent = all.reduce((s, r) => s + (r.cost_usd ?? 0), 0);
    expect(spent).toBeLessThanOrEqual(budget);
    expect(all.filter((r) => r.status === 'ok').length).toBeGreaterThanOrEqual(2);
  });
});

describe('estimate', () => {
  it('lands within 10% of the actual tokens when given a previous run', async () => {
    const dir = tmp();
    const file = path.join(dir, 'suite.yaml');
    fs.writeFileSync(file, suiteText('repeats: 2'));
    const first = await runSuite(file, { outDir: path.join(dir, 'first'), warmUp: false });
    const second = await runSuite(file, { outDir: path.join(dir, 'second'), warmUp: false });
    const est = await estimateSuite(file, { from: first.outDir });
    const actual = await rows(second.outDir);
    const actualOut = actual.reduce((s, r) => s + r.completion_tokens!, 0);
    const actualPrompt = actual.reduce((s, r) => s + r.prompt_tokens!, 0);
    expect(Math.abs(est.total.outputTokens.expected - actualOut) / actualOut).toBeLessThanOrEqual(0.1);
    expect(Math.abs(est.total.promptTokens - actualPrompt) / actualPrompt).toBeLessThanOrEqual(0.1);
    expect(est.total.cost!.expected).toBeGreaterThan(0);
  });

  it('without a previous run bounds output by max_completion_tokens and counts prompts with the tokenizer', async () => {
    const dir = tmp();
    const file = path.join(dir, 'suite.yaml');
    fs.writeFileSync(file, suiteText());
    const est = await estimateSuite(file);
    expect(est.total.outputTokens.high).toBe(16 * 64);
    expect(est.total.outputTokens.low).toBe(0);
    const run = await runSuite(file, { outDir: path.join(dir, 'out'), warmUp: false });
    const actualPrompt = (await rows(run.outDir)).reduce((s, r) => s + r.prompt_tokens!, 0);
    // The simulator bills chat framing the way the tokenizer estimate counts it.
    expect(Math.abs(est.total.promptTokens - actualPrompt) / actualPrompt).toBeLessThanOrEqual(0.1);
  });
});

describe('--resume', () => {
  it('keeps finished rows, reruns the rest, and ends with exactly one row per job', async () => {
    const dir = tmp();
    const file = path.join(dir, 'suite.yaml');
    fs.writeFileSync(file, suiteText());
    const out = path.join(dir, 'out');
    const full = await runSuite(file, { outDir: out, warmUp: false });
    const ids = (await rows(out)).map((r) => r.job_id).sort();
    // Simulate a run killed half-way: keep 6 rows, then a torn line.
    const lines = fs.readFileSync(full.files.jsonl, 'utf8').trim().split('\n');
    fs.writeFileSync(full.files.jsonl, lines.slice(0, 6).join('\n') + '\n' + lines[6].slice(0, 40));
    const resumed = await runSuite(file, { resume: out, warmUp: false });
    expect(resumed.counts.rows).toBe(10);
    const after = await rows(out);
    expect(after.map((r) => r.job_id).sort()).toEqual(ids);
    expect(resumed.summary.overall.counts.total).toBe(16);
    expect(resumed.warnings.some((w) => w.includes('6 rows kept'))).toBe(true);
  });

  it('with retryErrors reruns error rows only', async () => {
    const dir = tmp();
    const file = path.join(dir, 'suite.yaml');
    fs.writeFileSync(file, suiteText());
    const out = path.join(dir, 'out');
    await runSuite(file, { outDir: out, warmUp: false });
    const all = await rows(out);
    all[0].status = 'error';
    all[0].error_type = 'server_error';
    fs.writeFileSync(path.join(out, 'results.jsonl'), all.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const kept = await runSuite(file, { resume: out, warmUp: false });
    expect(kept.counts.rows).toBe(0);
    const retried = await runSuite(file, { resume: out, retryErrors: true, warmUp: false });
    expect(retried.counts.rows).toBe(1);
    const final = await rows(out);
    expect(final).toHaveLength(16);
    expect(final.filter((r) => r.job_id === all[0].job_id)[0].status).toBe('ok');
  });
});

describe('--cache', () => {
  it('replays identical requests, marks them cached and keeps them out of latency statistics', async () => {
    const dir = tmp();
    const file = path.join(dir, 'suite.yaml');
    fs.writeFileSync(file, suiteText());
    const cacheDir = path.join(dir, 'cache');
    const first = await runSuite(file, { outDir: path.join(dir, 'a'), cacheDir, warmUp: false });
    expect(first.summary.overall.counts.cached).toBe(0);
    const second = await runSuite(file, { outDir: path.join(dir, 'b'), cacheDir, warmUp: false });
    const r2 = await rows(second.outDir);
    expect(r2.every((r) => r.cached === true)).toBe(true);
    expect(second.summary.overall.counts.cached).toBe(16);
    expect(second.summary.overall.metrics.latency_ms.count).toBe(0);
    const r1 = await rows(first.outDir);
    expect(r2.map((r) => r.output).sort()).toEqual(r1.map((r) => r.output).sort());
  });
});
