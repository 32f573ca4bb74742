import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.ts';
import { evaluateGates, gatesPassed, gatesSchema, renderGatesTable, resolveGates, type GateResult } from '../../src/report/gates.ts';
import { SummaryBuilder, type Summary } from '../../src/report/summary.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { makeRow } from './make-row.ts';

const META = { suite: 'gates', startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:01:00.000Z' };

/**
 * sim:fast: cases c1..c10 all ok, latency 100..1000 ms (ttft a tenth), $0.001 each, c1..c8 pass.
 * sim:slow [high]: c1..c8 ok, latency 200..1600 ms, $0.002 each, c1..c6 pass; c9, c10 time out.
 */
function rows(): ResultRow[] {
  const out: ResultRow[] = [];
  for (let i = 1; i <= 10; i++) {
    out.push(makeRow({
      job_id: `f${i}`, case_id: `c${i}`, repeat: 1, provider: 'sim', model: 'fast', latency_ms: 100 * i, ttft_ms: 10 * i,
      cost_usd: 0.001, passed: i <= 8, score: i <= 8 ? 1 : 0,
    }));
  }
  for (let i = 1; i <= 10; i++) {
    const ok = i <= 8;
    out.push(makeRow({
      job_id: `s${i}`, case_id: `c${i}`, repeat: 1, provider: 'sim', model: 'slow', reasoning_effort: 'high',
      status: ok ? 'ok' : 'error', error_type: ok ? null : 'timeout',
      latency_ms: ok ? 200 * i : 30000, ttft_ms: ok ? 20 * i : null, cost_usd: ok ? 0.002 : null,
      passed: ok ? i <= 6 : null, score: ok ? (i <= 6 ? 1 : 0) : null,
    }));
  }
  return out;
}

function summarize(list: ResultRow[]): Summary {
  const b = new SummaryBuilder();
  for (const r of list) b.add(r);
  return b.finish(META);
}

const byKey = (results: GateResult[]) => Object.fromEntries(results.map((r) => [`${r.gate}@${r.scope}`, r]));

describe('gatesSchema / resolveGates', () => {
  it('accepts the documented keys and rejects unknown ones and out-of-range values', () => {
    expect(gatesSchema.parse({ min_pass_rate: 0.9, max_cost_usd: 2, per_config: true })).toEqual({ min_pass_rate: 0.9, max_cost_usd: 2, per_config: true });
    expect(gatesSchema.safeParse({ min_pass_rate: 90 }).success).toBe(false);
    expect(gatesSchema.safeParse({ max_error_rate: -0.1 }).success).toBe(false);
    expect(gatesSchema.safeParse({ max_p95_ms: 100 }).success).toBe(false);
  });

  it('lets flags override the suite key by key, and is null when nothing is set', () => {
    expect(resolveGates({ min_pass_rate: 0.8, max_cost_usd: 1 }, { min_pass_rate: 0.5, max_error_rate: undefined }))
      .toEqual({ min_pass_rate: 0.5, max_cost_usd: 1 });
    expect(resolveGates(undefined, { max_p95_latency_ms: 900 })).toEqual({ max_p95_latency_ms: 900 });
    expect(resolveGates(undefined, undefined)).toBeNull();
    expect(resolveGates({ per_config: true }, {})).toBeNull();
  });

  it('throws InputError BAD_GATE for a flag out of range', () => {
    try {
      resolveGates({}, { min_pass_rate: 95 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).code).toBe('BAD_GATE');
      expect((err as Error).message).toMatch(/min_pass_rate/);
    }
  });
});

describe('evaluateGates', () => {
  const summary = summarize(rows());

  it('measures the run as a whole by default', () => {
    const results = evaluateGates(summary, {
      min_pass_rate: 0.7, max_error_rate: 0.05, max_p95_ttft_ms: 150, max_p95_latency_ms: 1500, max_cost_usd: 0.03,
    });
    expect(results.map((r) => r.gate)).toEqual(['min_pass_rate', 'max_error_rate', 'max_p95_ttft_ms', 'max_p95_latency_ms', 'max_cost_usd']);
    expect(results.every((r) => r.scope === 'overall')).toBe(true);
    const r = byKey(results);
    // 14 passes of 20: the two timeouts on graded cases count as failures (the graded rows alone say 14/18).
    expect(r['min_pass_rate@overall']).toMatchObject({ measured: 0.7, pass: true, note: '14/20 passed, 2 errors counted as failures' });
    expect(r['max_error_rate@overall']).toMatchObject({ measured: 0.1, pass: false, note: '2/20 requests failed' });
    // 18 successful latencies; p95 at rank 16.15 between 1400 and 1600.
    expect(r['max_p95_latency_ms@overall'].measured).toBeCloseTo(1430, 9);
    expect(r['max_p95_latency_ms@overall'].pass).toBe(true);
    expect(r['max_p95_ttft_ms@overall'].measured).toBeCloseTo(143, 9);
    expect(r['max_p95_ttft_ms@overall'].pass).toBe(true);
    expect(r['max_cost_usd@overall'].measured).toBeCloseTo(0.026, 12);
    expect(r['max_cost_usd@overall'].pass).toBe(true);
    expect(gatesPassed(results)).toBe(false);
  });

  it('checks every model x effort on its own with per_config', () => {
    const results = evaluateGates(summary, { min_pass_rate: 0.7, max_p95_latency_ms: 1000, max_cost_usd: 0.01, per_config: true });
    expect(results).toHaveLength(6);
    const r = byKey(results);
    expect(r['min_pass_rate@sim:fast']).toMatchObject({ measured: 0.8, pass: true });
    expect(r['min_pass_rate@sim:slow [high]']).toMatchObject({ measured: 0.6, pass: false });
    expect(r['max_p95_latency_ms@sim:fast'].measured).toBeCloseTo(955, 9); // rank 8.55 of 100..1000
    expect(r['max_p95_latency_ms@sim:fast'].pass).toBe(true);
    expect(r['max_p95_latency_ms@sim:slow [high]'].measured).toBeCloseTo(1530, 9); // rank 6.65 of 200..1600
    expect(r['max_p95_latency_ms@sim:slow [high]'].pass).toBe(false);
    // Exactly at the threshold passes, despite float sums (10 x 0.001 is not exactly 0.01).
    expect(r['max_cost_usd@sim:fast']).toMatchObject({ pass: true });
    expect(r['max_cost_usd@sim:slow [high]']).toMatchObject({ pass: false });
  });

  it('treats the threshold itself as passing on both sides', () => {
    const r = byKey(evaluateGates(summary, { min_pass_rate: 0.7000001, max_error_rate: 0.1 }));
    expect(r['min_pass_rate@overall'].pass).toBe(false);
    expect(r['max_error_rate@overall'].pass).toBe(true);
  });

  it('fails a gate with nothing to measure, saying why', () => {
    const ungraded = summarize([makeRow({ job_id: 'u1', cost_usd: null }), makeRow({ job_id: 'u2', cost_usd: null })]);
    const r = byKey(evaluateGates(ungraded, { min_pass_rate: 0, max_cost_usd: 100, max_error_rate: 1 }));
    expect(r['min_pass_rate@overall']).toMatchObject({ measured: null, pass: false });
    expect(r['min_pass_rate@overall'].note).toMatch(/nothing graded/);
    expect(r['max_cost_usd@overall']).toMatchObject({ measured: null, pass: false });
    expect(r['max_cost_usd@overall'].note).toMatch(/no cost known/);
    expect(r['max_error_rate@overall']).toMatchObject({ measured: 0, pass: true });

    const allSkipped = summarize([makeRow({ job_id: 'k', status: 'skipped', error_type: 'budget', latency_ms: null, ttft_ms: null })]);
    const k = byKey(evaluateGates(allSkipped, { max_error_rate: 0.5, max_p95_ttft_ms: 1e9 }));
    expect(k['max_error_rate@overall']).toMatchObject({ measured: null, pass: false, note: 'no request was sent' });
    expect(k['max_p95_ttft_ms@overall']).toMatchObject({ measured: null, pass: false, note: 'no successful request was measured' });
  });

  it('measures the pass rate the summary and the quality report show (one definition)', () => {
    const s = summarize(rows());
    const r = byKey(evaluateGates(s, { min_pass_rate: 0.7 }));
    // 14 passes of 20 attempted (case, repeat)s: slow's two timeouts on graded cases are failures.
    expect(r['min_pass_rate@overall'].measured).toBe(s.overall.grading.pass_rate);
    expect(s.overall.grading.pass_rate).toBe(s.quality!.overall.pass_rate!.estimate);
    expect(r['min_pass_rate@overall']).toMatchObject({ measured: 14 / 20, pass: true, note: '14/20 passed, 2 errors counted as failures' });
  });

  it('returns nothing when no threshold is set', () => {
    expect(evaluateGates(summary, { per_config: true })).toEqual([]);
    expect(gatesPassed([])).toBe(true);
  });
});

describe('renderGatesTable', () => {
  const results = evaluateGates(summarize(rows()), { min_pass_rate: 0.7, max_p95_latency_ms: 1000, max_cost_usd: 0.01, per_config: true });

  it('prints gate, scope, threshold, measured value and verdict as aligned text', () => {
    const text = renderGatesTable(results);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('Gates: 3 of 6 FAILED.');
    expect(lines[2]).toMatch(/^Gate\s+Scope\s+Threshold\s+Measured\s+Verdict\s+Note$/);
    const slow = lines.find((l) => l.startsWith('min_pass_rate') && l.includes('sim:slow [high]'))!;
    expect(slow).toMatch(/>= 70\.0%\s+60\.0%\s+FAIL\s+6\/10 passed, 2 errors counted as failures$/);
    const lat = lines.find((l) => l.startsWith('max_p95_latency_ms') && l.includes('sim:fast'))!;
    expect(lat).toMatch(/<= 1000 ms\s+955 ms\s+pass/);
    expect(lines.find((l) => l.startsWith('max_cost_usd') && l.includes('sim:fast'))).toMatch(/<= \$0\.0100\s+\$0\.0100\s+pass/);
    // Columns line up: every "Verdict" cell starts at the same offset.
    const col = lines[2].indexOf('Verdict');
    for (const l of lines.slice(4)) expect(['pass', 'FAIL']).toContain(l.slice(col, col + 4));
  });

  it('renders a Markdown section with a table', () => {
    const md = renderGatesTable(results, 'markdown');
    expect(md.startsWith('## Gates\n\nGates: 3 of 6 FAILED.\n\n| Gate | Scope | Threshold | Measured | Verdict | Note |\n')).toBe(true);
    expect(md).toContain('| `min_pass_rate` | sim:slow [high] | >= 70.0% | 60.0% | **FAIL** | 6/10 passed, 2 errors counted as failures |');
    expect(md).toContain('| `min_pass_rate` | sim:fast | >= 70.0% | 80.0% | pass | 8/10 passed |');
  });

  it('says so when all passed, or when no gate is set', () => {
    const ok = evaluateGates(summarize(rows()), { max_error_rate: 0.5 });
    expect(renderGatesTable(ok).split('\n')[0]).toBe('Gates: all 1 passed.');
    expect(renderGatesTable([])).toBe('Gates: none set.\n');
  });
});
