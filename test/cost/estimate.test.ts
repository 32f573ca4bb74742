import { describe, expect, it } from 'vitest';
import {
  estimateOverBudget, estimateRun, pricingFromMap, renderEstimateText, type EstimateSourceRow,
} from '../../src/cost/index.ts';
import { countMessageTokens } from '../../src/measure/tokenizer.ts';
import { countChars, makeJob } from './make-job.ts';

// sim:* at $2 in / $8 out per 1M; vivgrid:managed unpriced.
const table = pricingFromMap({ 'sim:*': { input: 2, output: 8 } }, 'test-prices.yaml');

const jobs = [
  makeJob('a', 'sim:fast', 'low', 'hello', 100, 1),
  makeJob('a', 'sim:fast', 'low', 'hello', 100, 2),
  makeJob('b', 'sim:fast', 'low', 'abcdefghij'), // no max_completion_tokens
  makeJob('a', 'vivgrid:managed', null, 'hello', 100),
];

const row = (case_id: string, modelRef: string, effort: string | null, completion: number | null, status = 'ok'): EstimateSourceRow => {
  const [provider, model] = modelRef.split(':');
  return { case_id, provider, model, reasoning_effort: effort, status, completion_tokens: completion, prompt_tokens: 7 };
};

describe('estimateRun with n choices', () => {
  it('counts the max_completion_tokens cap once per choice (n: 3 → 3 × the cap), and the default cap too', () => {
    const capped = { ...makeJob('a', 'sim:fast', null, 'hello', 100), params: { max_completion_tokens: 100, n: 3 } };
    const uncapped = { ...makeJob('b', 'sim:fast', null, 'hello'), params: { n: 2 } };
    const e = estimateRun([capped, uncapped], table, { countPromptTokens: countChars });
    expect(e.groups[0].outputTokens).toEqual({ low: 0, expected: 300 + 2 * 1024, high: 300 + 2 * 1024 });
    expect(e.groups[0].promptTokens).toBe(10); // the prompt is sent (and billed) once per request
  });
});

describe('estimateRun without a previous run', () => {
  const e = estimateRun(jobs, table, { countPromptTokens: countChars });

  it('uses max_completion_tokens as the upper bound (default 1024 when unset, flagged)', () => {
    const [sim, viv] = e.groups;
    expect(sim).toMatchObject({ modelRef: 'sim:fast', reasoningEffort: 'low', jobs: 3, promptTokens: 20 });
    expect(sim.outputTokens).toEqual({ low: 0, expected: 1224, high: 1224 }); // 100 + 100 + 1024
    expect(sim.basis).toMatchObject({ max_completion_tokens: 2, default_max: 1, observed: 0 });
    // low: 20 x 2 = 40; expected/high: 40 + 1224 x 8 = 9832 (per 1M)
    expect(sim.cost!.low).toBeCloseTo(0.00004, 12);
    expect(sim.cost!.expected).toBeCloseTo(0.009832, 12);
    expect(sim.cost!.high).toBeCloseTo(0.009832, 12);
    expect(viv).toMatchObject({ modelRef: 'vivgrid:managed', reasoningEffort: null, jobs: 1, promptTokens: 5, cost: null });
    expect(viv.outputTokens).toEqual({ low: 0, expected: 100, high: 100 });
  });

  it('totals priced models only and names the unpriced ones', () => {
    expect(e.total).toMatchObject({ jobs: 4, promptTokens: 25, outputTokens: { low: 0, expected: 1324, high: 1324 } });
    expect(e.total.cost!.expected).toBeCloseTo(0.009832, 12);
    expect(e.unpriced).toEqual(['vivgrid:managed']);
    expect(e.fromRun).toBe(false);
    expect(e.warnings.some((w) => w.includes('vivgrid:managed') && w.includes('pricing:'))).toBe(true);
    expect(e.warnings.some((w) => w.startsWith('1 job(s) set no max_completion_tokens') && w.includes('1024'))).toBe(true);
  });

  it('is all-null cost when nothing is priced', () => {
    const none = estimateRun([jobs[3]], table, { countPromptTokens: countChars });
    expect(none.total.cost).toBeNull();
    expect(estimateOverBudget(none, 0)).toBe(false);
  });
});

describe('estimateRun from a previous run', () => {
  const rows = [
    row('a', 'sim:fast', 'low', 10), row('a', 'sim:fast', 'low', 20), row('a', 'sim:fast', 'low', 30),
    row('c', 'sim:fast', 'low', 100), // another case: only in the model x effort pool
    row('a', 'sim:fast', 'low', 999, 'error'), // failed rows are not observations
    row('a', 'sim:fast', 'low', null),
    row('a', 'sim:fast', 'high', 500), // another effort
  ];
  const e = estimateRun(jobs, table, { fromRows: rows, countPromptTokens: countChars });

  it('takes min / mean / p95 per case x model x effort, and the pooled ones for unseen cases', () => {
    const sim = e.groups[0];
    // case a: [10, 20, 30] -> min 10, mean 20, p95 = 20 + 0.9 x 10 = 29 (twice: two repeats)
    // case b, unseen: pool [10, 20, 30, 100] -> min 10, mean 40, p95 = 30 + 0.85 x 70 = 89.5
    expect(sim.outputTokens.low).toBe(30);
    expect(sim.outputTokens.expected).toBe(80);
    expect(sim.outputTokens.high).toBeCloseTo(147.5, 9);
    expect(sim.basis).toMatchObject({ observed: 2, model_observed: 1, max_completion_tokens: 0, default_max: 0 });
    // prompt 24 x 2 = 48; low 48 + 30 x 8 = 288; expected 48 + 80 x 8 = 688; high 48 + 147.5 x 8 = 1228 (per 1M)
    expect(sim.cost!.low).toBeCloseTo(0.000288, 12);
    expect(sim.cost!.expected).toBeCloseTo(0.000688, 12);
    expect(sim.cost!.high).toBeCloseTo(0.001228, 12);
  });

  it('takes prompt tokens the server reported for an observed case, the tokenizer for the rest', () => {
    const sim = e.groups[0];
    // case a observed with prompt_tokens 7 (twice); case b counted: 10 chars
    expect(sim.promptTokens).toBe(7 + 7 + 10);
    expect(sim.promptBasis).toEqual({ observed: 2, tokenizer: 1 });
    expect(e.groups[1].promptBasis).toEqual({ observed: 0, tokenizer: 1 });
  });

  it('falls back to max_completion_tokens for a model x effort never observed, and says so', () => {
    expect(e.groups[1].outputTokens).toEqual({ low: 0, expected: 100, high: 100 });
    expect(e.fromRun).toBe(true);
    expect(e.warnings.some((w) => w.startsWith('1 job(s) have no observation of their case'))).toBe(true);
    expect(e.warnings.some((w) => w.startsWith('1 job(s) have no observation of their model × effort'))).toBe(true);
  });

  it('matches an unset effort whether the row says "" or null', () => {
    const viv = [row('a', 'vivgrid:managed', '', 40), row('a', 'vivgrid:managed', null, 60)];
    const g = estimateRun([jobs[3]], table, { fromRows: viv, countPromptTokens: countChars }).groups[0];
    expect(g.outputTokens.expected).toBe(50);
    expect(g.basis.observed).toBe(1);
  });

  it('reproduces a deterministic previous run exactly (expected = actual tokens)', () => {
    const outputs: Record<string, number> = { a: 37, b: 211 };
    const prev = jobs.slice(0, 3).map((j) => row(j.caseId, `${j.provider}:${j.model}`, j.reasoningEffort, outputs[j.caseId]));
    const g = estimateRun(jobs.slice(0, 3), table, { fromRows: prev, countPromptTokens: countChars }).groups[0];
    expect(g.outputTokens).toEqual({ low: 37 + 37 + 211, expected: 37 + 37 + 211, high: 37 + 37 + 211 });
    expect(g.promptTokens).toBe(3 * 7);
  });
});

describe('prompt tokens by the tokenizer', () => {
  it('defaults to countMessageTokens per job (prompts shared across jobs counted each time they are sent)', () => {
    const e = estimateRun(jobs, table);
    const expected = jobs.slice(0, 3).reduce((s, j) => s + countMessageTokens(j.messages), 0);
    expect(e.groups[0].promptTokens).toBe(expected);
    expect(expected).toBeGreaterThan(3 * 6); // 3 framing + role + content each: not a char count
  });
});

describe('budget check and rendering', () => {
  const e = estimateRun(jobs, table, { countPromptTokens: countChars });

  it('compares the expected cost (or the chosen bound) with --max-cost', () => {
    expect(estimateOverBudget(e, 0.009)).toBe(true); // expected $0.009832
    expect(estimateOverBudget(e, 0.01)).toBe(false);
    expect(estimateOverBudget(e, 0.00005, 'low')).toBe(false); // low $0.00004
    expect(estimateOverBudget(e, 0.00003, 'low')).toBe(true);
  });

  it('prints a row per model x effort, a total and the warnings', () => {
    const text = renderEstimateText(e);
    const lines = text.split('\n');
    expect(lines.find((l) => l.startsWith('sim:fast × low'))).toMatch(/3\s+20\s+0 \/ 1,224 \/ 1,224\s+\$0\.0000400 \/ \$0\.00983 \/ \$0\.00983/);
    expect(lines.find((l) => l.startsWith('vivgrid:managed × default'))).toMatch(/unpriced$/);
    expect(lines.find((l) => l.startsWith('total'))).toMatch(/4\s+25\s+0 \/ 1,324 \/ 1,324\s+.*\(priced models only\)/);
    expect(lines.filter((l) => l.startsWith('warning: '))).toHaveLength(2);
  });
});
