import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import { mergeRunDirs } from '../../src/report/merge.ts';
import type { GroupSummary } from '../../src/report/summary.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-shard-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const suite = path.join(dir, 'suite.yaml');
fs.writeFileSync(suite, `
name: shards
models: [sim:instant, sim:fast]
repeats: 2
concurrency: 8
cases:
${Array.from({ length: 11 }, (_, i) => `  - { id: c${i}, prompt: "What is ${i + 2} * 7?", assert: [{ type: equals, value: "${(i + 2) * 7}" }] }`).join('\n')}
`);

/** What must not depend on how the run was split: counts, tokens, cost, grading. */
const timeless = (g: GroupSummary) => ({
  model: g.model_ref, effort: g.reasoning_effort, counts: g.counts, errors: g.errors_by_type,
  tokens: g.tokens, cost: g.cost_usd, grading: g.grading, attempts: g.attempts,
});

describe('run --shard i/4 then merge', () => {
  it('gives the same summary as the unsharded run, timings aside', async () => {
    const whole = await runSuite(suite, { outDir: path.join(dir, 'whole'), warmUp: false });
    const shards: string[] = [];
    const sizes: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const r = await runSuite(suite, { outDir: path.join(dir, `s${i}`), shard: { index: i, count: 4 }, warmUp: false });
      shards.push(r.outDir);
      sizes.push(r.counts.rows);
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(44);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const merged = await mergeRunDirs(shards, path.join(dir, 'merged'));
    expect(merged.duplicates).toHaveLength(0);
    // The simulator's answers are seeded per (model, prompt, repeat), so only a failed request could
    // make the two runs differ; say which if one did.
    const errors = (groups: GroupSummary[]) => JSON.stringify(groups.map((g) => [g.model_ref, g.errors_by_type]));
    const why = `errors whole: ${errors(whole.summary.groups)}; errors merged: ${errors(merged.summary.groups)}`;
    expect(merged.summary.groups.map(timeless), why).toEqual(whole.summary.groups.map(timeless));
    expect(timeless(merged.summary.overall)).toEqual(timeless(whole.summary.overall));
    expect(whole.summary.quality!.configs.length).toBe(2);
    // Configs are listed in order of first row, which follows end times (load-dependent): compare as sets.
    const configs = (q: typeof whole.summary.quality) => q!.configs.map((c) => [c.label, c.passes, c.graded]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(configs(merged.summary.quality), why).toEqual(configs(whole.summary.quality));
  });
});
