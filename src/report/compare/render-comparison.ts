import { formatP } from '../../grade/statistics/index.ts';
import { renderMarkdownTable, renderTextTable, type Align } from '../../grade/statistics/text-table.ts';
import { fmtCost, fmtInt, fmtMs, fmtPct, NONE } from '../summary-format.ts';
import { isSlower, type CaseRegression, type Change, type Comparison, type ConfigComparison } from './compare-runs.ts';

/** Cases listed per configuration under "passed before, fail now" before "and N more". */
const MAX_LISTED = 20;

type Row = Pick<ConfigComparison, 'pass_rate' | 'error_rate' | 'ttft_p50_ms' | 'ttft_p95_ms' | 'latency_p50_ms' | 'latency_p95_ms' | 'total_tokens' | 'cost_usd'>;

interface Table {
  headers: string[];
  rows: string[][];
  align: Align[];
}

/** The comparison as aligned plain text for stdout. */
export function renderComparisonText(c: Comparison): string {
  const out: string[] = [];
  out.push(`Comparison with baseline: ${c.new.dir} against ${c.base.dir}`);
  out.push(...intro(c));
  for (const w of c.warnings) out.push(`warning: ${w}`);
  for (const [title, t] of tables(c, false)) out.push('', title, renderTextTable(t.headers, t.rows, t.align));
  const lost = regressionLines(c, false);
  if (lost.length > 0) out.push('', 'Passed before, fail now', ...lost.map((l) => `  ${l}`));
  out.push('', verdictLine(c), ...c.reasons.map((r) => `  - ${r}`));
  return out.join('\n') + '\n';
}

/** The comparison as a Markdown section (summary.md, $GITHUB_STEP_SUMMARY, a PR comment). */
export function renderComparisonMarkdown(c: Comparison): string {
  const out: string[] = ['## Comparison with baseline', ''];
  out.push(`New \`${c.new.dir}\` against baseline \`${c.base.dir}\`.`, '');
  out.push(...intro(c).map((l) => `_${l}_`), '');
  if (c.warnings.length > 0) out.push(...c.warnings.map((w) => `> **Warning:** ${w}`), '');
  out.push(`**${verdictLine(c)}**`);
  if (c.reasons.length > 0) out.push('', ...c.reasons.map((r) => `- ${r}`));
  for (const [title, t] of tables(c, true)) out.push('', `### ${title}`, '', renderMarkdownTable(t.headers, t.rows, t.align));
  const lost = regressionLines(c, true);
  if (lost.length > 0) out.push('', '### Passed before, fail now', '', ...lost);
  return out.join('\n') + '\n';
}

function intro(c: Comparison): string[] {
  const suite = c.base.suite === c.new.suite ? `Suite ${c.new.suite}` : `Suites ${c.base.suite} (baseline) and ${c.new.suite} (new)`;
  const when = c.base.started_at && c.new.started_at ? `; baseline started ${c.base.started_at}, new ${c.new.started_at}` : '';
  return [
    `${suite}${when}.`,
    `Quality: McNemar test on the (case, repeat) pairs graded in both runs (clustered by case when cases repeat), `
      + `errors and skips counted as failures, significant at p<${c.alpha}${c.holm ? ' (Holm-adjusted across configurations)' : ''}. `
      + `Speed: ratios new / baseline with a 95% bootstrap interval; a p95 latency or TTFT above ${c.latency_tolerance}x `
      + `counts as a regression only when its interval lies above 1.`,
  ];
}

function verdictLine(c: Comparison): string {
  if (c.regressed) return `REGRESSED (${c.reasons.length} ${c.reasons.length === 1 ? 'reason' : 'reasons'})`;
  return c.configs.length === 0 ? 'Nothing to compare.' : 'No regression.';
}

function tables(c: Comparison, md: boolean): [string, Table][] {
  const entries: [string, Row, boolean][] = c.configs.map((k) => [k.label, k, false]);
  entries.push([md ? '**all**' : 'all', c.overall, true]);
  const bad = (s: string) => (md ? `**${s}**` : s);
  const qualityVerdict = (r: Row) => {
    const p = r.pass_rate.paired;
    if (!p) return NONE;
    if (r.pass_rate.significant_drop) return bad('worse');
    return p.diff > 0 && p.p_value < c.alpha ? 'better' : 'no significant change';
  };
  const tooSlow = (ch: Change) => isSlower(ch, c.latency_tolerance);
  const quality: Table = {
    headers: ['config', 'baseline', 'new', 'Δ pass rate [95% CI]', 'pairs', 'lost', 'gained', 'p', 'verdict'],
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    rows: entries.map(([label, r]) => {
      const p = r.pass_rate.paired;
      return [
        label,
        rate(r.pass_rate.base),
        rate(r.pass_rate.new),
        p ? `${pp(p.diff)} [${pp(p.low)}, ${pp(p.high)}] pp` : NONE,
        p ? String(p.n) : '0',
        p ? String(p.base_only) : NONE,
        p ? String(p.new_only) : NONE,
        p ? formatP(p.p_value).replace(/^p=/, '') : NONE,
        qualityVerdict(r),
      ];
    }),
  };
  const speed: Table = {
    headers: ['config', 'TTFT p50 ms', 'TTFT p95 ms', 'latency p50 ms', 'latency p95 ms', 'error rate', 'tokens', 'cost', 'verdict'],
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    rows: entries.map(([label, r, isOverall]) => [
      label,
      ms(r.ttft_p50_ms),
      ms(r.ttft_p95_ms),
      ms(r.latency_p50_ms),
      ms(r.latency_p95_ms),
      `${fmtPct(r.error_rate.base)} -> ${fmtPct(r.error_rate.new)}`,
      total(r.total_tokens, fmtInt),
      total(r.cost_usd, fmtCost),
      // The whole runs' latency is shown, not judged: their mix of configurations may differ.
      isOverall ? '' : tooSlow(r.latency_p95_ms) || tooSlow(r.ttft_p95_ms) ? bad('slower') : 'ok',
    ]),
  };
  const anyGraded = entries.some(([, r]) => r.pass_rate.base.graded + r.pass_rate.new.graded > 0);
  return anyGraded ? [['Quality', quality], ['Speed and cost', speed]] : [['Speed and cost', speed]];
}

function rate(s: { passes: number; graded: number; rate: number | null }): string {
  return s.graded === 0 ? NONE : `${fmtPct(s.rate)} (${s.passes}/${s.graded})`;
}

function pp(v: number): string {
  if (!Number.isFinite(v)) return NONE;
  const x = v * 100;
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
}

/** `120 -> 126 (1.05x [0.98-1.12])`: the ratio with its 95% bootstrap interval when there is one. */
function ms(ch: Change): string {
  if (ch.base === null && ch.new === null) return NONE;
  const ci = ch.ratio_ci95 ? ` [${ch.ratio_ci95.low.toFixed(2)}-${ch.ratio_ci95.high.toFixed(2)}]` : '';
  const ratio = ch.ratio === null ? '' : ` (${ch.ratio.toFixed(2)}x${ci})`;
  return `${fmtMs(ch.base)} -> ${fmtMs(ch.new)}${ratio}`;
}

/** `2,345 -> 2,400 (+2.3%)` */
function total(ch: Change, fmt: (v: number | null) => string): string {
  if (ch.base === null && ch.new === null) return NONE;
  const pct = ch.ratio === null ? '' : ` (${ch.ratio >= 1 ? '+' : ''}${((ch.ratio - 1) * 100).toFixed(1)}%)`;
  return `${fmt(ch.base)} -> ${fmt(ch.new)}${pct}`;
}

function caseName(r: CaseRegression, repeats: boolean): string {
  return repeats ? `${r.case_id}#${r.repeat}` : r.case_id;
}

function why(r: CaseRegression): string {
  if (r.status === 'error') return `request failed: ${r.error_type ?? 'unknown'}`;
  return r.reasons.length > 0 ? r.reasons.join('; ') : 'assertions failed';
}

/** Text outside code in Markdown: keep reasons (which quote answers) from turning into markup or HTML. */
function mdText(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (ch) => `\\${ch}`);
}

/** Per configuration a heading line, then one line per case (a reason may span lines: joined). */
function regressionLines(c: Comparison, md: boolean): string[] {
  const lines: string[] = [];
  for (const k of c.configs) {
    if (k.regressions.length === 0) continue;
    lines.push(md ? `- **${mdText(k.label)}** (${k.regressions.length})` : `${k.label} (${k.regressions.length})`);
    for (const r of k.regressions.slice(0, MAX_LISTED)) {
      const name = caseName(r, c.repeats);
      const text = why(r).replace(/\s*\r?\n\s*/g, ' ');
      lines.push(md ? `  - \`${name}\`: ${mdText(text)}` : `  ${name}: ${text}`);
    }
    if (k.regressions.length > MAX_LISTED) {
      const more = `and ${k.regressions.length - MAX_LISTED} more`;
      lines.push(md ? `  - ${more}` : `  ${more}`);
    }
  }
  return lines;
}
