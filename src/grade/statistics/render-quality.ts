import type { ProportionInterval } from './wilson-interval.ts';
import type { EffortTable, PairwiseComparison, QualityReport } from './quality-report.ts';
import { renderMarkdownTable, renderTextTable, type Align } from './text-table.ts';

interface Section {
  title: string;
  /** A note under the title (how to read the table). */
  note?: string;
  table?: { headers: string[]; rows: string[][]; align?: Align[] };
  /** Bullet lines instead of, or after, a table. */
  items?: string[];
}

/** The quality report as Markdown (summary.md, CI step summaries). */
export function renderQualityMarkdown(report: QualityReport): string {
  return sections(report, 'markdown')
    .map((s) => {
      const parts = [`### ${s.title}`];
      if (s.note) parts.push(`_${s.note}_`);
      if (s.table) parts.push(renderMarkdownTable(s.table.headers, s.table.rows, s.table.align));
      if (s.items) parts.push(s.items.map((i) => `- ${i}`).join('\n'));
      return parts.join('\n\n');
    })
    .join('\n\n') + '\n';
}

/** The quality report as aligned plain-text tables for stdout. */
export function renderQualityText(report: QualityReport): string {
  return sections(report, 'text')
    .map((s) => {
      const parts = [s.title];
      if (s.note) parts.push(s.note);
      if (s.table) parts.push(renderTextTable(s.table.headers, s.table.rows, s.table.align));
      if (s.items) parts.push(s.items.map((i) => `  ${i}`).join('\n'));
      return parts.join('\n');
    })
    .join('\n\n') + '\n';
}

/** Flaky case ids listed per configuration before "and N more". */
const MAX_FLAKY_LISTED = 10;

function sections(report: QualityReport, format: 'text' | 'markdown'): Section[] {
  if (report.configs.length === 0) return [{ title: 'Quality', items: ['no results'] }];
  const out: Section[] = [configsSection(report)];
  if (report.comparisons.length > 0) out.push(comparisonsSection(report, format));
  out.push(bestSection(report));
  out.push(...report.efforts.map(effortSection));
  const flaky = flakySection(report);
  if (flaky) out.push(flaky);
  const warnings = warningsSection(report);
  if (warnings) out.push(warnings);
  return out;
}

function configsSection(report: QualityReport): Section {
  // The pass@k columns appear only when some configuration repeats its cases.
  const k = report.configs.find((c) => c.repeats.k !== null && c.repeats.k > 1)?.repeats.k ?? null;
  return {
    title: 'Quality per configuration',
    note: 'Every attempted (case, repeat) of a graded case counts; errors and skips there count as failures. '
      + '95% intervals: Wilson for pass rate (at the effective sample size when cases repeat: clustered by case), '
      + 'case-level bootstrap for mean score.',
    table: {
      headers: [
        'config', 'graded', 'cases', 'passed', 'errors', 'pass rate [95% CI]', 'mean score [95% CI]',
        ...(k ? [`pass@${k}`, `pass^${k}`, 'flaky'] : []),
      ],
      rows: report.configs.map((c) => [
        c.label,
        String(c.graded),
        String(c.cases),
        String(c.passes),
        String(c.errors),
        rateCell(c.pass_rate),
        c.score ? `${num(c.score.mean, 3)} [${num(c.score.low, 3)}, ${num(c.score.high, 3)}]` : '-',
        ...(k
          ? [pct(c.repeats.pass_at_k), pct(c.repeats.pass_hat_k), String(c.repeats.flaky_cases.length)]
          : []),
      ]),
    },
  };
}

function comparisonsSection(report: QualityReport, format: 'text' | 'markdown'): Section {
  const method = report.holm && report.comparisons.length > 1 ? ' p-values Holm-adjusted across all pairs.' : '';
  const note =
    `Paired on (case, repeat) graded in both, aggregated by case: exact McNemar test on pass/fail ` +
    `(clustered McNemar, Durkalski et al. 2003, when cases repeat), case-level paired bootstrap on score and for ` +
    `intervals; significant at p<${report.alpha}.${method} Differences are A minus B. Not significant: cases ` +
    `needed to detect the observed difference at 80% power (normal approximation).`;
  if (format === 'markdown') return { title: 'Pairwise comparisons', note, table: comparisonsTable(report.comparisons) };
  // A table this wide wraps in a terminal: one short paragraph per pair instead.
  return { title: 'Pairwise comparisons', note, items: report.comparisons.flatMap(comparisonParagraph) };
}

function comparisonsTable(comparisons: readonly PairwiseComparison[]): NonNullable<Section['table']> {
  return {
    headers: ['A', 'B', 'n', 'cases', 'A only', 'B only', 'Δ pass rate [95% CI]', 'Δ score [95% CI]', 'verdict', 'cases for 80% power'],
    align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'right'],
    rows: comparisons.map((c) => [
      c.a_label,
      c.b_label,
      String(c.pass?.n ?? c.score?.n ?? 0),
      String(c.pass?.cases ?? c.score?.cases ?? 0),
      c.pass ? String(c.pass.a_only) : '-',
      c.pass ? String(c.pass.b_only) : '-',
      passDiffCell(c),
      scoreDiffCell(c),
      c.verdict,
      c.cases_for_80_power === null ? '-' : String(c.cases_for_80_power),
    ]),
  };
}

/** One pair as text lines: verdict, details, and the sample-size line when not significant. */
function comparisonParagraph(c: PairwiseComparison): string[] {
  const detail = [
    `n=${c.pass?.n ?? c.score?.n ?? 0}, ${c.pass?.cases ?? c.score?.cases ?? 0} cases`,
    ...(c.pass ? [`A only ${c.pass.a_only}, B only ${c.pass.b_only}`, `Δ pass rate ${passDiffCell(c)}`] : []),
    ...(c.score ? [`Δ score ${scoreDiffCell(c)}`] : []),
  ];
  const power = powerLine(c);
  return [`${c.a_label} vs ${c.b_label}: ${c.verdict}`, `    ${detail.join('; ')}`, ...(power ? [`    ${power}`] : [])];
}

function passDiffCell(c: PairwiseComparison): string {
  return c.pass ? `${signedPts(c.pass.diff)} pp [${signedPts(c.pass.low)}, ${signedPts(c.pass.high)}]` : '-';
}

function scoreDiffCell(c: PairwiseComparison): string {
  return c.score ? `${signed(c.score.diff, 3)} [${signed(c.score.low, 3)}, ${signed(c.score.high, 3)}]` : '-';
}

function bestSection(report: QualityReport): Section {
  return {
    title: 'Best configuration',
    note: 'By pass rate, then median latency. Latency, TTFT and tokens over successful requests.',
    table: {
      headers: ['#', 'config', 'pass rate [95% CI]', 'mean score', 'p50 latency ms', 'p50 TTFT ms', 'mean completion tokens', 'cost USD'],
      align: ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows: report.best.map((b) => [
        String(b.rank),
        b.label,
        rateCell(b.pass_rate),
        b.mean_score === null ? '-' : num(b.mean_score, 3),
        ms(b.p50_latency_ms),
        ms(b.p50_ttft_ms),
        tokens(b.mean_completion_tokens),
        b.cost_usd === null ? '-' : `$${b.cost_usd.toFixed(4)}`,
      ]),
    },
  };
}

function effortSection(e: EffortTable): Section {
  return {
    title: `Reasoning effort: ${e.label}`,
    table: {
      headers: ['effort', 'graded', 'pass rate [95% CI]', 'mean reasoning tokens', 'p50 latency ms', 'p50 TTFA ms'],
      rows: e.rows.map((r) => [
        r.reasoning_effort || '(unset)',
        String(r.graded),
        rateCell(r.pass_rate),
        tokens(r.mean_reasoning_tokens),
        ms(r.p50_latency_ms),
        ms(r.p50_ttfa_ms),
      ]),
    },
    items: e.warning ? [`warning: ${e.warning}`] : undefined,
  };
}

function flakySection(report: QualityReport): Section | null {
  const flaky = report.configs.filter((c) => c.repeats.flaky_cases.length > 0);
  if (flaky.length === 0) return null;
  return {
    title: 'Flaky cases',
    note: 'Cases whose repeats both passed and failed.',
    items: flaky.map((c) => {
      const ids = c.repeats.flaky_cases;
      const more = ids.length > MAX_FLAKY_LISTED ? `, ... and ${ids.length - MAX_FLAKY_LISTED} more` : '';
      return `${c.label} (${ids.length}): ${ids.slice(0, MAX_FLAKY_LISTED).join(', ')}${more}`;
    }),
  };
}

function warningsSection(report: QualityReport): Section | null {
  // Effort warnings are shown under their table already.
  const shown = new Set(report.efforts.map((e) => e.warning));
  const other = report.warnings.filter((w) => !shown.has(w));
  return other.length > 0 ? { title: 'Warnings', items: other } : null;
}

/** The sample-size line under a non-significant comparison. */
export function powerLine(c: PairwiseComparison): string | null {
  if (c.cases_for_80_power === null) return null;
  const have = c.pass?.cases ?? c.score?.cases ?? 0;
  return `to detect this difference at 80% power: about ${c.cases_for_80_power} cases (this run: ${have})`;
}

function rateCell(p: ProportionInterval | null): string {
  if (!p) return '-';
  return `${pct(p.estimate)} [${(p.low * 100).toFixed(1)}, ${(p.high * 100).toFixed(1)}]`;
}

function pct(x: number | null): string {
  return x === null || Number.isNaN(x) ? '-' : `${(x * 100).toFixed(1)}%`;
}

function num(x: number, digits: number): string {
  return Number.isNaN(x) ? '-' : x.toFixed(digits);
}

function signed(x: number, digits: number): string {
  if (Number.isNaN(x)) return '-';
  const s = x.toFixed(digits);
  return x > 0 || (x === 0 && !s.startsWith('-')) ? `+${s}` : s;
}

/** A difference of two rates, in percentage points. */
function signedPts(x: number): string {
  return Number.isNaN(x) ? '-' : signed(x * 100, 1);
}

function ms(x: number | null): string {
  if (x === null) return '-';
  return x < 10 ? x.toFixed(1) : String(Math.round(x));
}

function tokens(x: number | null): string {
  if (x === null) return '-';
  return x < 10 ? x.toFixed(1) : String(Math.round(x));
}
