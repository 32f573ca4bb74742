import { describe, expect, it } from 'vitest';
import {
  buildQualityReport,
  configKey,
  exactMcNemar,
  wilsonInterval,
  type QualityRow,
} from '../../../src/grade/statistics/index.ts';

function row(over: Partial<QualityRow> & Pick<QualityRow, 'case_id' | 'model'>): QualityRow {
  return {
    provider: 'sim',
    reasoning_effort: '',
    repeat: 1,
    status: 'ok',
    passed: true,
    score: 1,
    latency_ms: 100,
    ttft_ms: 20,
    ttfa_ms: 30,
    completion_tokens: 50,
    reasoning_tokens: null,
    cost_usd: null,
    ...over,
  };
}

/** `n` cases for one model; `pass(i)` decides case i. */
function cases(model: string, n: number, pass: (i: number) => boolean, over: Partial<QualityRow> = {}): QualityRow[] {
  return Array.from({ length: n }, (_, i) => {
    const passed = pass(i);
    return row({ case_id: `c${i}`, model, passed, score: passed ? 1 : 0, ...over });
  });
}

describe('buildQualityReport: per configuration', () => {
  it('counts passes with a Wilson interval and a bootstrap score interval', () => {
    const rows = cases('a', 10, (i) => i < 8);
    const r = buildQualityReport(rows);
    expect(r.configs).toHaveLength(1);
    const c = r.configs[0];
    expect(c).toMatchObject({ label: 'sim:a', graded: 10, passes: 8, errors: 0, skipped: 0, ungraded: 0 });
    expect(c.pass_rate).toMatchObject({ ...wilsonInterval(8, 10), method: 'wilson', cases: 10, n: 10 });
    expect(c.score!.mean).toBeCloseTo(0.8, 12);
    expect(c.score!.low).toBeLessThan(0.8);
    expect(c.score!.high).toBeGreaterThan(0.8);
  });

  it('counts errors on graded cases as failures, keeps them apart, and leaves skipped rows out', () => {
    const rows = [
      ...cases('a', 4, () => true),
      row({ case_id: 'c4', model: 'a', status: 'error', passed: null, score: null, latency_ms: null }),
      row({ case_id: 'c5', model: 'a', status: 'skipped', passed: null, score: null }),
      row({ case_id: 'c4', model: 'b' }), // c4 is graded elsewhere, so a's error there is a failure
      // Nothing grades c9: an error there is not a failure, and an ok row is "ungraded".
      row({ case_id: 'c9', model: 'a', status: 'error', passed: null, score: null }),
      row({ case_id: 'c9', model: 'b', passed: null, score: null }),
    ];
    const a = buildQualityReport(rows).configs.find((c) => c.model === 'a')!;
    expect(a).toMatchObject({ graded: 5, passes: 4, errors: 2, errors_as_failures: 1, skipped: 1 });
    expect(a.pass_rate!.estimate).toBeCloseTo(0.8, 12);
    expect(a.score!.mean).toBeCloseTo(0.8, 12); // error scored 0
    expect(a.p50_latency_ms).toBe(100); // the error's latency never enters the median
    const b = buildQualityReport(rows).configs.find((c) => c.model === 'b')!;
    expect(b).toMatchObject({ graded: 1, passes: 1, ungraded: 1 });
  });

  it('keys configurations by provider, model and effort, in order of appearance', () => {
    const rows = [
      row({ case_id: 'x', model: 'm', reasoning_effort: 'high' }),
      row({ case_id: 'x', model: 'm', reasoning_effort: 'low' }),
      row({ case_id: 'x', provider: 'other', model: 'm', reasoning_effort: 'low' }),
    ];
    const r = buildQualityReport(rows);
    expect(r.configs.map((c) => c.label)).toEqual(['sim:m [high]', 'sim:m [low]', 'other:m [low]']);
    expect(r.configs[1].key).toBe(configKey('sim', 'm', 'low'));
    expect(new Set(r.configs.map((c) => c.key)).size).toBe(3);
  });

  it('keeps the last row when a case and repeat appear twice (resumed runs)', () => {
    const rows = [row({ case_id: 'x', model: 'a', passed: false, score: 0 }), row({ case_id: 'x', model: 'a' })];
    const c = buildQualityReport(rows).configs[0];
    expect(c).toMatchObject({ rows: 1, graded: 1, passes: 1 });
  });

  it('computes pass@k, pass^k and flaky cases over repeats', () => {
    const outcomes: Record<string, boolean[]> = {
      steady: [true, true, true],
      flaky: [true, false, true],
      broken: [false, false, false],
    };
    const rows = Object.entries(outcomes).flatMap(([id, list]) =>
      list.map((passed, i) => row({ case_id: id, model: 'a', repeat: i + 1, passed, score: passed ? 1 : 0 })),
    );
    const c = buildQualityReport(rows).configs[0];
    expect(c.repeats.k).toBe(3);
    expect(c.repeats.cases).toBe(3);
    // k = n = 3: pass@3 = any passed (1, 1, 0), pass^3 = all passed (1, 0, 0).
    expect(c.repeats.pass_at_k).toBeCloseTo(2 / 3, 12);
    expect(c.repeats.pass_hat_k).toBeCloseTo(1 / 3, 12);
    expect(c.repeats.flaky_cases).toEqual(['flaky']);
    expect(c.repeats.per_case.find((p) => p.case_id === 'flaky')!.passRate).toBeCloseTo(2 / 3, 12);
    // An explicit k = 2 over n = 3: flaky has c = 2 -> pass@2 = 1, pass^2 = C(2,2)/C(3,2) = 1/3.
    const k2 = buildQualityReport(rows, { k: 2 }).configs[0].repeats;
    expect(k2.pass_at_k).toBeCloseTo((1 + 1 + 0) / 3, 12);
    expect(k2.pass_hat_k).toBeCloseTo((1 + 1 / 3 + 0) / 3, 12);
  });

  it('reports medians, mean tokens and total cost', () => {
    const rows = [
      row({ case_id: 'x', model: 'a', latency_ms: 100, ttft_ms: 10, completion_tokens: 10, cost_usd: 0.01 }),
      row({ case_id: 'y', model: 'a', latency_ms: 300, ttft_ms: 30, completion_tokens: 30, cost_usd: 0.02 }),
      row({ case_id: 'z', model: 'a', latency_ms: 200, ttft_ms: null, completion_tokens: null, cost_usd: null }),
    ];
    const c = buildQualityReport(rows).configs[0];
    expect(c.p50_latency_ms).toBe(200);
    expect(c.p50_ttft_ms).toBe(20);
    expect(c.mean_completion_tokens).toBe(20);
    expect(c.cost_usd).toBeCloseTo(0.03, 12);
  });
});

describe('buildQualityReport: pairwise comparisons', () => {
  it('finds the clearly better configuration (exact McNemar)', () => {
    // 40 shared cases: a passes all, b passes 10 -> b=30 discordant one way, c=0.
    const rows = [...cases('a', 40, () => true), ...cases('b', 40, (i) => i < 10)];
    const [cmp] = buildQualityReport(rows).comparisons;
    expect(cmp.basis).toBe('pass');
    expect(cmp.pass).toMatchObject({ n: 40, both_pass: 10, a_only: 30, b_only: 0, both_fail: 0 });
    expect(cmp.pass!.diff).toBeCloseTo(0.75, 12);
    expect(cmp.pass!.p_value).toBe(exactMcNemar(30, 0));
    expect(cmp.pass!.p_value).toBeCloseTo(2 / 2 ** 30, 15);
    expect(cmp.pass!.low).toBeGreaterThan(0.5);
    expect(cmp.score!.diff).toBeCloseTo(0.75, 12);
    expect(cmp.better).toBe('a');
    expect(cmp.verdict).toBe('sim:a better than sim:b (p<0.001)');
  });

  it('names B when B is better', () => {
    // 12 shared cases: a passes 2 that b fails, b passes 10 that a fails -> p = 0.03857 (R binom.test(2, 12)).
    const rows = [
      ...cases('a', 12, (i) => i < 2),
      ...cases('b', 12, (i) => i >= 2),
    ];
    const [cmp] = buildQualityReport(rows).comparisons;
    expect(cmp.pass).toMatchObject({ a_only: 2, b_only: 10 });
    expect(cmp.pass!.p_value).toBeCloseTo(0.03857421875, 12);
    expect(cmp.better).toBe('b');
    expect(cmp.verdict).toBe('sim:b better than sim:a (p=0.039)');
  });

  it('identical configurations: no significant difference at n', () => {
    const rows = [...cases('a', 40, (i) => i % 3 !== 0), ...cases('b', 40, (i) => i % 3 !== 0)];
    const [cmp] = buildQualityReport(rows).comparisons;
    expect(cmp.pass!.p_value).toBe(1);
    expect(cmp.pass!.diff).toBe(0);
    expect(cmp.better).toBeNull();
    expect(cmp.verdict).toBe('no significant difference at n=40 (p=1)');
  });

  it('a small difference on few cases is not significant', () => {
    // 10 cases: a passes 7, b passes 5 (discordant 2 vs 0 -> p = 0.5).
    const rows = [...cases('a', 10, (i) => i < 7), ...cases('b', 10, (i) => i < 5)];
    const [cmp] = buildQualityReport(rows).comparisons;
    expect(cmp.pass!.p_value).toBeCloseTo(0.5, 12);
    expect(cmp.verdict).toBe('no significant difference at n=10 (p=0.5)');
  });

  it('pairs only on (case, repeat) graded in both', () => {
    const rows = [
      ...cases('a', 10, () => true),
      ...cases('b', 6, () => false), // c0..c5 only
      row({ case_id: 'c0', model: 'a', repeat: 2 }), // no partner in b
    ];
    const [cmp] = buildQualityReport(rows).comparisons;
    expect(cmp.pass!.n).toBe(6);
    expect(cmp.pass!.a_only).toBe(6);
  });

  it('compares every two configurations once', () => {
    const rows = ['a', 'b', 'c', 'd'].flatMap((m) => cases(m, 5, () => true));
    const r = buildQualityReport(rows);
    expect(r.comparisons).toHaveLength(6);
    expect(new Set(r.comparisons.map((c) => `${c.a}|${c.b}`)).size).toBe(6);
  });

  it('falls back to scores when nothing is pass/fail graded, and says so when nothing is shared', () => {
    const scored = [
      ...Array.from({ length: 30 }, (_, i) => row({ case_id: `c${i}`, model: 'a', passed: null, score: 0.9 })),
      ...Array.from({ length: 30 }, (_, i) => row({ case_id: `c${i}`, model: 'b', passed: null, score: 0.2 + (i % 3) * 0.1 })),
    ];
    const [cmp] = buildQualityReport(scored).comparisons;
    expect(cmp.basis).toBe('score');
    expect(cmp.pass).toBeNull();
    expect(cmp.verdict).toBe('sim:a better than sim:b on score (p<0.001)');

    const disjoint = [row({ case_id: 'x', model: 'a' }), row({ case_id: 'y', model: 'b' })];
    const [none] = buildQualityReport(disjoint).comparisons;
    expect(none.basis).toBe('none');
    expect(none.p_value).toBeNull();
    expect(none.verdict).toBe('no shared graded cases');
  });

  it('Holm adjustment raises p-values and can remove significance', () => {
    // a vs b: 6 vs 0 discordant -> raw p = 0.03125; with 3 comparisons Holm multiplies it.
    const rows = [
      ...cases('a', 6, () => true),
      ...cases('b', 6, () => false),
      ...cases('c', 6, (i) => i < 3),
    ];
    const plain = buildQualityReport(rows, { holm: false });
    const holm = buildQualityReport(rows); // Holm is the default
    const ab = (r: typeof plain) => r.comparisons.find((c) => c.a_label === 'sim:a' && c.b_label === 'sim:b')!;
    expect(ab(plain).p_value).toBeCloseTo(0.03125, 12);
    expect(ab(plain).better).toBe('a');
    expect(ab(holm).p_value).toBeCloseTo(0.09375, 12); // smallest of 3: x3
    expect(ab(holm).better).toBeNull();
    expect(ab(holm).verdict).toBe('no significant difference at n=6 (Holm-adjusted p=0.094)');
    expect(ab(holm).pass!.p_value).toBeCloseTo(0.03125, 12); // the raw value is kept
    holm.comparisons.forEach((c, i) => expect(c.p_value!).toBeGreaterThanOrEqual(plain.comparisons[i].p_value!));
  });

  it('is reproducible: same rows, same report', () => {
    const rows = [...cases('a', 20, (i) => i % 2 === 0), ...cases('b', 20, (i) => i % 4 === 0)];
    expect(buildQualityReport(rows)).toEqual(buildQualityReport(rows));
  });
});

describe('buildQualityReport: best configuration and effort tables', () => {
  it('ranks by pass rate, then median latency', () => {
    const rows = [
      ...cases('slow-good', 10, () => true, { latency_ms: 900 }),
      ...cases('fast-good', 10, () => true, { latency_ms: 100 }),
      ...cases('fast-bad', 10, (i) => i < 5, { latency_ms: 50 }),
    ];
    const best = buildQualityReport(rows).best;
    expect(best.map((b) => b.label)).toEqual(['sim:fast-good', 'sim:slow-good', 'sim:fast-bad']);
    expect(best.map((b) => b.rank)).toEqual([1, 2, 3]);
    expect(best[0]).toMatchObject({ p50_latency_ms: 100, p50_ttft_ms: 20, mean_completion_tokens: 50 });
  });

  it('puts configurations with nothing graded last', () => {
    const rows = [row({ case_id: 'x', model: 'ungraded', passed: null, score: null }), ...cases('graded', 2, () => false)];
    expect(buildQualityReport(rows).best.map((b) => b.label)).toEqual(['sim:graded', 'sim:ungraded']);
  });

  it('builds a per-model effort table and warns when effort changes nothing', () => {
    const efforts = ['high', 'low', 'medium'];
    const ignored = efforts.flatMap((e) =>
      cases('ignores', 4, () => true, { reasoning_effort: e, reasoning_tokens: 200 }),
    );
    const honoured = efforts.flatMap((e, k) =>
      cases('honours', 4, () => true, { reasoning_effort: e, reasoning_tokens: [800, 100, 300][k] }),
    );
    const r = buildQualityReport([...ignored, ...honoured]);
    expect(r.efforts.map((e) => e.label)).toEqual(['sim:ignores', 'sim:honours']);
    const t = r.efforts[0];
    expect(t.rows.map((x) => x.reasoning_effort)).toEqual(['low', 'medium', 'high']);
    expect(t.rows[0]).toMatchObject({ graded: 4, mean_reasoning_tokens: 200, p50_latency_ms: 100, p50_ttfa_ms: 30 });
    expect(t.warning).toBe(
      'model sim:ignores: reasoning_effort made no difference to reasoning tokens (the server probably ignored it)',
    );
    expect(r.efforts[1].warning).toBeNull();
    expect(r.efforts[1].rows.map((x) => x.mean_reasoning_tokens)).toEqual([100, 300, 800]);
    expect(r.warnings).toEqual([t.warning]);
  });

  it('warns on all-zero and on never-reported reasoning tokens, not on a single effort', () => {
    const zero = ['low', 'high'].flatMap((e) => cases('zero', 2, () => true, { reasoning_effort: e, reasoning_tokens: 0 }));
    const none = ['low', 'high'].flatMap((e) => cases('none', 2, () => true, { reasoning_effort: e, reasoning_tokens: null }));
    const single = cases('single', 2, () => true, { reasoning_effort: 'high', reasoning_tokens: 0 });
    const noEffort = cases('plain', 2, () => true);
    const r = buildQualityReport([...zero, ...none, ...single, ...noEffort]);
    expect(r.efforts.map((e) => e.label)).toEqual(['sim:zero', 'sim:none', 'sim:single']);
    expect(r.efforts[0].warning).toMatch(/sim:zero: reasoning_effort made no difference/);
    expect(r.efforts[1].warning).toMatch(/sim:none: no reasoning tokens were reported/);
    expect(r.efforts[2].warning).toBeNull();
    expect(r.warnings).toHaveLength(2);
  });

  it('says nothing about reasoning_effort after zero successful requests', () => {
    const failed = ['low', 'high'].flatMap((e) =>
      cases('down', 3, () => false, { reasoning_effort: e, status: 'error', reasoning_tokens: null, latency_ms: null, passed: null }),
    );
    const r = buildQualityReport(failed);
    expect(r.efforts[0]?.warning ?? null).toBeNull();
    expect(r.warnings).toEqual([]);
  });

  it('tolerates sampling noise but not a real effect (effortTolerance)', () => {
    const noisy = [
      ...cases('m', 2, () => true, { reasoning_effort: 'low', reasoning_tokens: 500 }),
      ...cases('m', 2, () => true, { reasoning_effort: 'high', reasoning_tokens: 530 }),
    ];
    expect(buildQualityReport(noisy).warnings).toHaveLength(1); // 6% apart
    expect(buildQualityReport(noisy, { effortTolerance: 0.01 }).warnings).toHaveLength(0);
  });
});
