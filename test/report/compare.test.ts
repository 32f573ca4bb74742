import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.ts';
import { compareRuns, renderComparisonMarkdown, renderComparisonText, type Comparison } from '../../src/report/compare/index.ts';
import { REPORT_FILES } from '../../src/report/report-files.ts';
import { summarizeRows } from '../../src/report/summary.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { makeRow } from './make-row.ts';

const root = mkdtempSync(join(tmpdir(), 'evalbench-compare-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Spec = { model: string; effort?: string; pass: (i: number) => boolean | 'error'; latency: (i: number) => number; cost: number };

/** 20 cases c1..c20, one row each, per configuration. */
function rows(specs: Spec[]): ResultRow[] {
  const out: ResultRow[] = [];
  for (const s of specs) {
    for (let i = 1; i <= 20; i++) {
      const p = s.pass(i);
      const error = p === 'error';
      out.push(makeRow({
        job_id: `${s.model}-${s.effort ?? ''}-${i}`, case_id: `c${i}`, repeat: 1, provider: 'sim', model: s.model,
        reasoning_effort: s.effort ?? '', status: error ? 'error' : 'ok', error_type: error ? 'timeout' : null,
        latency_ms: s.latency(i), ttft_ms: s.latency(i) / 4, cost_usd: error ? null : s.cost, total_tokens: error ? null : 30,
        passed: error ? null : p, score: error ? null : p ? 1 : 0,
        reasons: error || p ? [] : [`equals: expected output equals "${i}"; got "x"`],
      }));
    }
  }
  return out;
}

async function writeRun(dir: string, list: ResultRow[], withSummary = true): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, REPORT_FILES.jsonl), list.map((r) => JSON.stringify(r) + '\n').join(''));
  if (withSummary) {
    const s = await summarizeRows(list, { suite: 'demo', startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:01:00.000Z' });
    writeFileSync(join(dir, REPORT_FILES.summaryJson), JSON.stringify(s));
  }
}

const base = join(root, 'base');
const next = join(root, 'new');
const bare = join(root, 'new-no-summary');

beforeAll(async () => {
  const baseRows = rows([
    { model: 'fast', pass: () => true, latency: (i) => 100 * i, cost: 0.001 },
    { model: 'slow', effort: 'high', pass: (i) => i <= 10, latency: (i) => 200 * i, cost: 0.001 },
    { model: 'old', pass: () => true, latency: () => 50, cost: 0.001 },
  ]);
  const newRows = rows([
    // Cases 1-8 now fail: 8 lost, 0 gained -> McNemar p = 2 / 2^8.
    { model: 'fast', pass: (i) => i > 8, latency: (i) => 100 * i, cost: 0.002 },
    // Case 10 now errors (a failure: c10 is graded elsewhere), case 11 now passes: 1 lost, 1 gained; 1.5x slower.
    { model: 'slow', effort: 'high', pass: (i) => (i === 10 ? 'error' : i <= 9 || i === 11), latency: (i) => 300 * i, cost: 0.002 },
    { model: 'brand-new', pass: () => true, latency: () => 50, cost: 0.001 },
  ]);
  await writeRun(base, baseRows);
  await writeRun(next, newRows);
  await writeRun(bare, newRows, false);
});

describe('compareRuns', () => {
  let c: Comparison;
  beforeAll(async () => {
    c = await compareRuns(base, next);
  });

  it('pairs configurations present in both runs and lists the others', () => {
    expect(c.configs.map((k) => k.label)).toEqual(['sim:fast', 'sim:slow [high]']);
    expect(c.only_in_base).toEqual(['sim:old']);
    expect(c.only_in_new).toEqual(['sim:brand-new']);
    expect(c.warnings).toEqual(['only in the baseline: sim:old', 'only in the new run: sim:brand-new']);
    expect(c).toMatchObject({ latency_tolerance: 1.2, alpha: 0.05, holm: false, repeats: false });
    expect(c.base).toMatchObject({ dir: base, suite: 'demo' });
  });

  it('flags a significant pass-rate drop with the exact McNemar test on paired cases', () => {
    const fast = c.configs[0];
    expect(fast.pass_rate.base).toEqual({ passes: 20, graded: 20, rate: 1 });
    expect(fast.pass_rate.new).toEqual({ passes: 12, graded: 20, rate: 0.6 });
    expect(fast.pass_rate.paired).toMatchObject({ n: 20, both_pass: 12, base_only: 8, new_only: 0, both_fail: 0, diff: -0.4 });
    expect(fast.pass_rate.paired!.p_value).toBeCloseTo(2 / 256, 12);
    expect(fast.pass_rate.paired!.high).toBeLessThan(0);
    expect(fast.pass_rate.significant_drop).toBe(true);
    expect(fast.regressed).toBe(true);
    expect(fast.reasons).toEqual(['pass rate fell 100.0% -> 60.0% (8 cases passed before and fail now, 0 the reverse, of 20; McNemar p=0.0078)']);
    expect(fast.regressions.map((r) => r.case_id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']);
    expect(fast.regressions[0]).toEqual({ case_id: 'c1', repeat: 1, status: 'ok', error_type: null, reasons: ['equals: expected output equals "1"; got "x"'] });
    expect(fast.fixed).toBe(0);
  });

  it('reports latency and TTFT as ratios and flags p95 above the tolerance', () => {
    const [fast, slow] = c.configs;
    // p95 of 100..2000 ms: rank 18.05 -> 1905.
    expect(fast.latency_p95_ms).toMatchObject({ base: 1905, new: 1905, diff: 0, ratio: 1 });
    expect(fast.ttft_p50_ms).toMatchObject({ base: 262.5, new: 262.5, ratio: 1 });
    // slow: 200..2000 ms (19 ok rows, c10 errored in the new run) against 300..6000 ms.
    expect(slow.latency_p95_ms.ratio).toBeGreaterThan(1.2);
    expect(slow.latency_p50_ms.base).toBe(2100);
    expect(slow.latency_p50_ms.new).toBe(3300); // median of 300..6000 without 3000
    expect(slow.pass_rate.paired).toMatchObject({ n: 20, base_only: 1, new_only: 1, p_value: 1 });
    expect(slow.pass_rate.significant_drop).toBe(false);
    expect(slow.regressions).toEqual([{ case_id: 'c10', repeat: 1, status: 'error', error_type: 'timeout', reasons: [] }]);
    expect(slow.fixed).toBe(1);
    expect(slow.reasons).toHaveLength(2);
    expect(slow.reasons[0]).toMatch(/^p95 latency 1\.\d\dx the baseline's \(\d+ -> \d+ ms, 95% CI 1\.\d\d-\d\.\d\dx\), above the 1\.2x tolerance$/);
    expect(slow.latency_p95_ms.ratio_ci95!.low).toBeGreaterThan(1);
    expect(slow.reasons[1]).toMatch(/^p95 TTFT /);
    expect(slow.error_rate).toMatchObject({ base: 0, new: 0.05 });
  });

  it('compares tokens and cost totals', () => {
    const fast = c.configs[0];
    expect(fast.total_tokens).toMatchObject({ base: 600, new: 600, diff: 0, ratio: 1 });
    expect(fast.cost_usd.base).toBeCloseTo(0.02, 12);
    expect(fast.cost_usd.new).toBeCloseTo(0.04, 12);
    expect(fast.cost_usd.ratio).toBeCloseTo(2, 9);
    expect(fast.requests.new).toMatchObject({ total: 20, ok: 20, error: 0 });
  });

  it('pools every shared pair for the whole run and collects the reasons', () => {
    // 40 pairs of 20 cases (each case in both configurations, so cases repeat): 9 lost, 1 gained.
    // Clustered McNemar (Durkalski 2003): per case new-only minus base-only is -1 for c1..c8 and c10,
    // +1 for c11: X2 = (-8)^2 / 10 = 6.4, P(chi2_1 > 6.4) = 0.011412 (R: pchisq(6.4, 1, lower.tail = FALSE)).
    expect(c.overall.pass_rate.paired).toMatchObject({ n: 40, cases: 20, base_only: 9, new_only: 1, test: 'clustered-mcnemar' });
    expect(c.overall.pass_rate.paired!.p_value).toBeCloseTo(0.01141204, 6);
    expect(c.overall.pass_rate.significant_drop).toBe(true);
    // All rows of each run: base 50/60, new 42/60 (sim:brand-new passes all, sim:old is gone).
    expect(c.overall.pass_rate.base).toEqual({ passes: 50, graded: 60, rate: 50 / 60 });
    expect(c.overall.pass_rate.new).toEqual({ passes: 42, graded: 60, rate: 42 / 60 });
    expect(c.regressed).toBe(true);
    expect(c.reasons.map((r) => r.slice(0, r.indexOf(': ')))).toEqual(['sim:fast', 'sim:slow [high]', 'sim:slow [high]', 'overall']);
  });

  it('honours the tolerance, alpha and Holm options', async () => {
    const loose = await compareRuns(base, next, { latencyTolerance: 2, alpha: 0.001 });
    expect(loose.configs.map((k) => k.regressed)).toEqual([false, false]);
    expect(loose.regressed).toBe(false);
    const holm = await compareRuns(base, next, { holm: true });
    expect(holm.configs[0].pass_rate.paired!.p_value).toBeCloseTo(4 / 256, 12); // 2 p-values: the smaller doubled
    expect(holm.configs[0].pass_rate.significant_drop).toBe(true);
  });

  it('finds nothing against itself', async () => {
    const same = await compareRuns(next, next);
    expect(same.regressed).toBe(false);
    expect(same.configs.every((k) => k.regressions.length === 0 && k.latency_p95_ms.ratio === 1)).toBe(true);
    expect(same.warnings).toEqual([]);
  });

  it('rebuilds a missing summary.json from the rows, and rejects a folder without results', async () => {
    const rebuilt = await compareRuns(base, bare);
    expect(rebuilt.configs.map((k) => [k.label, k.regressed, k.latency_p95_ms.new])).toEqual(
      c.configs.map((k) => [k.label, k.regressed, k.latency_p95_ms.new]),
    );
    await expect(compareRuns(base, join(root, 'nowhere'))).rejects.toThrow(InputError);
    await expect(compareRuns(base, join(root, 'nowhere'))).rejects.toMatchObject({ code: 'BAD_RUN_DIR' });
  });
});

describe('renderComparison', () => {
  let c: Comparison;
  beforeAll(async () => {
    c = await compareRuns(base, next);
  });

  it('prints quality and speed tables, the lost cases and the verdict', () => {
    const text = renderComparisonText(c);
    expect(text).toMatch(/^Comparison with baseline: .*new against .*base\n/);
    expect(text).toMatch(/\nsim:fast +100\.0% \(20\/20\) +60\.0% \(12\/20\) +-40\.0 \[-\d+\.\d, -\d+\.\d\] pp +20 +8 +0 +0\.0078 +worse\n/);
    expect(text).toMatch(/\nsim:slow \[high\] .*\(1\.50x \[1\.\d\d-\d\.\d\d\]\).*slower\n/);
    expect(text).toContain('\n  sim:fast (8)\n    c1: equals: expected output equals "1"; got "x"\n');
    expect(text).toContain('\n  sim:slow [high] (1)\n    c10: request failed: timeout\n');
    expect(text).toContain('\nREGRESSED (4 reasons)\n  - sim:fast: pass rate fell');
    expect(text).toContain('warning: only in the baseline: sim:old');
  });

  it('renders Markdown with escaped reasons', () => {
    const md = renderComparisonMarkdown(c);
    expect(md.startsWith('## Comparison with baseline\n')).toBe(true);
    expect(md).toContain('**REGRESSED (4 reasons)**');
    expect(md).toContain('### Quality\n\n| config | baseline | new | Δ pass rate [95% CI] | pairs | lost | gained | p | verdict |');
    expect(md).toMatch(/\n\| sim:fast \| 100\.0% \(20\/20\) \| 60\.0% \(12\/20\) \| .* \| \*\*worse\*\* \|\n/);
    expect(md).toContain('- **sim:slow \\[high\\]** (1)\n  - `c10`: request failed: timeout');
    expect(md).toContain('> **Warning:** only in the new run: sim:brand-new');
  });

  it('says there is no regression when there is none', async () => {
    const same = await compareRuns(next, next);
    expect(renderComparisonText(same).trimEnd().split('\n').at(-1)).toBe('No regression.');
    expect(renderComparisonText(same)).not.toContain('Passed before, fail now');
  });
});
