import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import { mergeRunDirs } from '../../src/report/merge.ts';
import { mergeSummaryDirs } from '../../src/report/merge-summaries.ts';
import { MergeableDistribution, MERGE_SKETCH_RELATIVE_ERROR } from '../../src/report/mergeable-distribution.ts';
import { summarizeDistribution } from '../../src/measure/statistics.ts';
import { SeededRandom } from '../../src/providers/sim/seeded-random.ts';
import type { GroupSummary } from '../../src/report/summary.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-merge-summaries-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('MergeableDistribution', () => {
  it('merged from serialized parts: count, mean, std, min, max exact; percentiles within the sketch error', () => {
    const rnd = new SeededRandom(7);
    // Lognormal-ish latencies, 30,000 values in three uneven parts (well past the exact cap).
    const values = Array.from({ length: 30_000 }, () => Math.exp(5 + rnd.next() * 2 + rnd.next()));
    const parts = [values.slice(0, 4000), values.slice(4000, 19_000), values.slice(19_000)].map((vs) => {
      const d = new MergeableDistribution();
      vs.forEach((v) => d.push(v));
      return JSON.parse(JSON.stringify(d.toJSON()));
    });
    expect(parts[0].exact).toBeUndefined();
    const merged = MergeableDistribution.fromJSON(parts[0]);
    for (const p of parts.slice(1)) merged.merge(MergeableDistribution.fromJSON(p));
    const got = merged.summarize();
    const want = summarizeDistribution(values);
    expect(got.count).toBe(30_000);
    expect(got.min).toBe(want.min);
    expect(got.max).toBe(want.max);
    expect(got.mean!).toBeCloseTo(want.mean!, 6);
    expect(got.std!).toBeCloseTo(want.std!, 6);
    for (const k of ['p50', 'p90', 'p95', 'p99'] as const) {
      // The sketch's bound, plus the gap between neighbouring samples (rank vs interpolation).
      expect(Math.abs(got[k]! - want[k]!) / want[k]!, k).toBeLessThanOrEqual(MERGE_SKETCH_RELATIVE_ERROR * 1.05);
    }
  });

  it('stays exact while small', () => {
    const a = new MergeableDistribution();
    const b = new MergeableDistribution();
    [5, 1, 9].forEach((v) => a.push(v));
    [2, 7].forEach((v) => b.push(v));
    const m = MergeableDistribution.fromJSON(a.toJSON());
    m.merge(MergeableDistribution.fromJSON(b.toJSON()));
    expect(m.summarize()).toEqual(summarizeDistribution([5, 1, 9, 2, 7]));
  });
});

/** What only rows can give (distinct cases, intervals that respect repeats) is left out of a summaries-only merge. */
const ROWS_ONLY = ['cases', 'pass_rate_ci95', 'pass_rate_stderr', 'score_ci95'] as const;
const countable = (gr: GroupSummary['grading']) => Object.fromEntries(Object.entries(gr).filter(([k]) => !(ROWS_ONLY as readonly string[]).includes(k)));
const exactPart = (g: GroupSummary) => ({
  model: g.model_ref, effort: g.reasoning_effort, counts: g.counts, errors: g.errors_by_type, skipped: g.skipped_by_type,
  tokens: g.tokens, grading: countable(g.grading), attempts: g.attempts, window: g.throughput.window_ms,
  ttft: g.metrics.ttft_ms, latency: g.metrics.latency_ms, itl_count: g.metrics.itl_ms.count,
});

describe('merge --summaries-only', () => {
  it('gives the row merge\'s summary without reading a row', async () => {
    const suite = path.join(dir, 'suite.yaml');
    fs.writeFileSync(suite, `name: sums\nmodels: [sim:fast, sim:instant]\nrepeats: 3\nconcurrency: 8\ncases:\n${[1, 2, 3, 4, 5].map((i) => `  - { id: c${i}, prompt: "What is ${i} * 4?", assert: [{ type: equals, value: "${i * 4}" }] }`).join('\n')}\n`);
    const shards: string[] = [];
    for (const i of [1, 2, 3]) shards.push((await runSuite(suite, { outDir: path.join(dir, `s${i}`), shard: { index: i, count: 3 }, warmUp: false })).outDir);
    const rows = await mergeRunDirs(shards, path.join(dir, 'rows'));
    // Proof it reads no row: the shards' results.jsonl are gone.
    for (const s of shards) fs.rmSync(path.join(s, 'results.jsonl'));
    const sums = await mergeSummaryDirs(shards, path.join(dir, 'sums'));
    expect(sums.groups.map(exactPart)).toEqual(rows.summary.groups.map(exactPart));
    expect(exactPart(sums.overall)).toEqual(exactPart(rows.summary.overall));
    for (const g of [...sums.groups, sums.overall]) for (const k of ROWS_ONLY) expect(g.grading[k], k).toBeNull();
    expect(sums.overall.cost_usd).toBeCloseTo(rows.summary.overall.cost_usd!, 12);
    expect(sums.overall.throughput.request_throughput).toBeCloseTo(rows.summary.overall.throughput.request_throughput!, 9);
    expect(sums.overall.throughput.aggregate_output_tokens_per_s).toBeCloseTo(rows.summary.overall.throughput.aggregate_output_tokens_per_s!, 6);
    expect(sums.shards).toMatchObject({ merged: 3, of: 3, missing: [] });
    expect(fs.readFileSync(path.join(dir, 'sums', 'summary.md'), 'utf8')).toContain('3 of 3 shards');

    await expect(mergeSummaryDirs([shards[0], shards[1], shards[1]], path.join(dir, 'x'))).rejects.toThrow();
    await expect(mergeSummaryDirs([shards[0], shards[1]], path.join(dir, 'x'))).rejects.toThrow(/missing shard 3\/3/);
    const partial = await mergeSummaryDirs([shards[0], shards[1]], path.join(dir, 'partial'), { allowPartial: true });
    expect(partial.shards).toMatchObject({ merged: 2, of: 3, missing: [3] });
  }, 60_000);
});
