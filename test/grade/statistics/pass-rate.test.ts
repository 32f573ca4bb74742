import { describe, expect, it } from 'vitest';
import {
  buildQualityReport, gradedCasesOf, passOutcome, passRate, quantileRatio, type QualityRow,
} from '../../../src/grade/statistics/index.ts';
import { isSlower } from '../../../src/report/compare/index.ts';

function row(over: Partial<QualityRow> & Pick<QualityRow, 'case_id'>): QualityRow {
  return {
    provider: 'sim', model: 'a', reasoning_effort: '', repeat: 1, status: 'ok', passed: true, score: 1,
    latency_ms: 100, ttft_ms: 20, ttfa_ms: 30, completion_tokens: 50, reasoning_tokens: null, cost_usd: null, ...over,
  };
}

describe('the pass-rate definition', () => {
  it('keeps a case that errors on every attempt in the denominator', () => {
    // As the runner writes them: errors on a case with assertions carry passed false, score 0.
    const rows = [
      row({ case_id: 'ok1' }), row({ case_id: 'ok1', repeat: 2 }),
      row({ case_id: 'down', status: 'error', passed: false, score: 0 }),
      row({ case_id: 'down', repeat: 2, status: 'error', passed: false, score: 0 }),
    ];
    const q = buildQualityReport(rows);
    expect(q.configs[0]).toMatchObject({ graded: 4, cases: 2, passes: 2, errors_as_failures: 2 });
    expect(q.overall.pass_rate!.estimate).toBe(0.5);
    expect(q.configs[0].score!.mean).toBe(0.5);
  });

  it('counts budget skips of graded cases as failures, apart; leaves duration cut-offs out', () => {
    const rows = [
      row({ case_id: 'x' }),
      row({ case_id: 'y', status: 'skipped', passed: null, score: null }), // graded elsewhere (model b)
      row({ case_id: 'y', model: 'b' }),
      row({ case_id: 'z', status: 'error', passed: false, score: 0, error_type: 'incomplete' }),
    ];
    const a = buildQualityReport(rows).configs[0];
    expect(a).toMatchObject({ graded: 2, passes: 1, skipped: 1, skipped_as_failures: 1, errors: 1, errors_as_failures: 0 });
  });

  it('passOutcome: ungraded cases and ungraded answers are not part of it', () => {
    const cases = gradedCasesOf([row({ case_id: 'g' })]);
    expect(passOutcome(row({ case_id: 'free', passed: null }), cases)).toBeUndefined();
    expect(passOutcome(row({ case_id: 'free', status: 'error', passed: null }), cases)).toBeUndefined();
    expect(passOutcome(row({ case_id: 'g', status: 'error', passed: null }), cases)).toBe(false);
    expect(passRate([])).toBeNull();
  });
});

describe('paired comparison with repeats', () => {
  it('aggregates by case: 10 repeats of 6 cases are 6 units, not 60', () => {
    // a passes cases c0..c5 every repeat, b fails them all: 60 discordant pairs in 6 cases.
    const rows: QualityRow[] = [];
    for (let i = 0; i < 6; i++) {
      for (let r = 1; r <= 10; r++) {
        rows.push(row({ case_id: `c${i}`, repeat: r }), row({ case_id: `c${i}`, repeat: r, model: 'b', passed: false, score: 0 }));
      }
    }
    const [c] = buildQualityReport(rows).comparisons;
    expect(c.pass).toMatchObject({ n: 60, cases: 6, a_only: 60, test: 'clustered-mcnemar' });
    // X2 = 60^2 / (6 * 10^2) = 6: p = 0.0143 (R: pchisq(6, 1, lower.tail = FALSE)); exact McNemar on 60 pairs: ~1.7e-18.
    expect(c.pass!.p_value).toBeCloseTo(0.01430588, 6);
    expect(c.verdict).toBe('sim:a better than sim:b (p=0.014)');
  });

  it('a non-significant comparison says how many cases would detect the difference', () => {
    // 10 cases: a passes 7, b 5 -> per-case differences 1,1,0 x8: ((1.96 + 0.84) * 0.4216 / 0.2)^2 = 34.9 -> 35.
    const rows = Array.from({ length: 10 }, (_, i) => [
      row({ case_id: `c${i}`, passed: i < 7, score: i < 7 ? 1 : 0 }),
      row({ case_id: `c${i}`, model: 'b', passed: i < 5, score: i < 5 ? 1 : 0 }),
    ]).flat();
    const [c] = buildQualityReport(rows).comparisons;
    expect(c.better).toBeNull();
    expect(c.cases_for_80_power).toBe(35);
  });
});

describe('latency ratio intervals', () => {
  it('a p95 ratio above the tolerance counts only when its interval lies above 1', () => {
    const noisyBase = [80, 120, 90, 200, 110, 95, 105, 300, 100, 85];
    const noisyNew = [85, 125, 95, 100, 115, 90, 110, 500, 105, 95]; // p95 331 vs 255: 1.30x, from one request
    const noisy = quantileRatio(noisyBase, noisyNew, 95)!;
    expect(noisy.ratio).toBeGreaterThan(1.2);
    expect(noisy.low).toBeLessThan(1);
    expect(isSlower({ base: 1, new: 1, diff: 0, ratio: noisy.ratio, ratio_ci95: noisy }, 1.2)).toBe(false);

    const steady = Array.from({ length: 200 }, (_, i) => 100 + (i % 20));
    const slow = quantileRatio(steady, steady.map((x) => x * 1.5), 95)!;
    expect(slow.ratio).toBeCloseTo(1.5, 9);
    expect(slow.low).toBeGreaterThan(1.4);
    expect(isSlower({ base: 1, new: 1, diff: 0, ratio: slow.ratio, ratio_ci95: slow }, 1.2)).toBe(true);
    expect(quantileRatio([], [1], 50)).toBeNull();
  });
});
