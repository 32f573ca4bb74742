import { describe, expect, it } from 'vitest';
import {
  buildQualityReport,
  renderMarkdownTable,
  renderQualityMarkdown,
  renderQualityText,
  renderTextTable,
  type QualityRow,
} from '../../../src/grade/statistics/index.ts';

function rows(model: string, effort: string, passes: number, n: number, reasoning: number, repeats = 1): QualityRow[] {
  const out: QualityRow[] = [];
  for (let i = 0; i < n; i++) {
    for (let r = 1; r <= repeats; r++) {
      const passed = r === 2 && i === 0 ? false : i < passes; // case c0 flaky when repeated
      out.push({
        case_id: `c${i}`, provider: 'sim', model, reasoning_effort: effort, repeat: r, status: 'ok',
        passed, score: passed ? 1 : 0, latency_ms: 250, ttft_ms: 40, ttfa_ms: 60,
        completion_tokens: 80, reasoning_tokens: reasoning, cost_usd: 0.002,
      });
    }
  }
  return out;
}

const report = buildQualityReport([
  ...rows('good', 'low', 10, 10, 100),
  ...rows('good', 'high', 10, 10, 100),
  ...rows('bad', '', 2, 10, 0),
]);

describe('renderQualityText', () => {
  const text = renderQualityText(report);

  it('shows pass rates with their Wilson interval, per configuration', () => {
    // 10/10 -> [72.2, 100.0]; 2/10 -> [5.7, 51.0] (R prop.test(2, 10, correct = FALSE): 0.0567, 0.5098)
    expect(text).toMatch(/sim:good \[low\] +10 +10 +10 +0 +100\.0% \[72\.2, 100\.0\]/);
    expect(text).toMatch(/sim:bad +10 +10 +2 +0 +20\.0% \[5\.7, 51\.0\]/);
  });

  it('lists pairwise verdicts', () => {
    // Raw exact McNemar p = 2/2^8 = 0.0078 for both pairs against sim:bad; Holm over 3 pairs: x3 -> 0.023.
    expect(text).toContain('sim:good [low] vs sim:bad: sim:good [low] better than sim:bad (Holm-adjusted p=0.023)');
    expect(text).toContain('sim:good [low] vs sim:good [high]: no significant difference at n=10 (Holm-adjusted p=1)');
    expect(text).toContain('Δ pass rate +80.0 pp');
  });

  it('has the best-configuration table in rank order', () => {
    const best = text.slice(text.indexOf('Best configuration'));
    const lines = best.split('\n').filter((l) => /^\d /.test(l));
    expect(lines.map((l) => l.split(/\s{2,}/)[1])).toEqual(['sim:good [low]', 'sim:good [high]', 'sim:bad']);
    expect(lines[0]).toMatch(/250 +40 +80 +\$0\.0200$/);
  });

  it('has the effort table with its warning', () => {
    expect(text).toContain('Reasoning effort: sim:good');
    expect(text).toMatch(/low +10 +100\.0% \[72\.2, 100\.0\] +100 +250 +60/);
    expect(text).toContain('warning: model sim:good: reasoning_effort made no difference to reasoning tokens');
    expect(text).not.toContain('Reasoning effort: sim:bad');
  });

  it('aligns columns', () => {
    const section = text.slice(text.indexOf('Quality per configuration')).split('\n\n')[0].split('\n');
    const [header, rule, ...body] = section.slice(2);
    expect(rule).toMatch(/^[- ]+$/);
    // Right-aligned numeric columns end at the same place on every line.
    const end = header.indexOf('pass rate [95% CI]') + 'pass rate [95% CI]'.length;
    for (const line of body) expect(line[end - 1]).toBe(']');
  });

  it('shows pass@k, pass^k and flaky cases only with repeats', () => {
    expect(text).not.toContain('pass@');
    const repeated = renderQualityText(buildQualityReport(rows('m', '', 3, 4, 0, 3)));
    expect(repeated).toContain('pass@3');
    expect(repeated).toContain('pass^3');
    expect(repeated).toContain('Flaky cases');
    expect(repeated).toContain('sim:m (1): c0');
  });

  it('says so when there are no rows', () => {
    expect(renderQualityText(buildQualityReport([]))).toContain('no results');
  });
});

describe('renderQualityMarkdown', () => {
  const md = renderQualityMarkdown(report);

  it('renders each section as a heading with a table', () => {
    for (const h of ['Quality per configuration', 'Pairwise comparisons', 'Best configuration', 'Reasoning effort: sim:good']) {
      expect(md).toContain(`### ${h}`);
    }
    expect(md).toContain('| config | graded | cases | passed | errors | pass rate [95% CI] | mean score [95% CI] |');
    expect(md).toContain('| sim:good [low] | sim:bad | 10 | 10 | 8 | 0 | +80.0 pp [');
    expect(md).toContain('| sim:good [low] better than sim:bad (Holm-adjusted p=0.023) |');
    expect(md).toContain('- warning: model sim:good:');
  });
});

describe('tables', () => {
  it('pads text columns and right-aligns numbers', () => {
    const t = renderTextTable(['name', 'n'], [['a', '1'], ['long name', '100']]);
    expect(t.split('\n')).toEqual(['name         n', '---------  ---', 'a            1', 'long name  100']);
  });

  it('escapes pipes in Markdown cells', () => {
    const t = renderMarkdownTable(['model', 'n'], [['a|b', '1']]);
    expect(t.split('\n')).toEqual(['| model | n |', '| --- | ---: |', '| a\\|b | 1 |']);
  });
});
