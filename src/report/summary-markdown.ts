import { renderQualityMarkdown } from '../grade/statistics/index.ts';
import type { Summary } from './summary.ts';
import { errorsLine, groupLabel, groupTable, runFacts } from './summary-format.ts';

/** Table cells may hold model names and error types: keep them from breaking the table. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** summary.md: run facts, the per-group comparison table, and errors by type. */
export function renderSummaryMarkdown(summary: Summary): string {
  const out: string[] = [`# evalbench: ${cell(summary.suite)}`, ''];
  for (const [label, value] of runFacts(summary)) out.push(`- **${label}:** ${cell(value)}`);
  out.push('');

  const t = groupTable(summary, { passInterval: true });
  out.push('## Results by model', '');
  out.push(`| ${t.headers.join(' | ')} |`);
  out.push(`|${t.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`);
  t.rows.forEach((r, i) => {
    const cells = r.map(cell);
    if (i === t.overallRow) cells[0] = `**${cells[0]}**`;
    out.push(`| ${cells.join(' | ')} |`);
  });
  out.push('');
  out.push(
    'TTFT, latency and TPOT are over successful requests. Decode tok/s p50 is the median per-request decode speed '
      + '(output_tps = 1000 / TPOT); Aggregate out tok/s is the configuration\'s completion tokens per second of the '
      + 'measured window (first send to last token), shared among all its requests in flight. '
      + 'Pass rate: every attempted (case, repeat) of a graded case counts, errors and skips as failures. '
      + '`~` marks token totals that include tokenizer estimates.',
  );

  const failing = summary.groups.filter((g) => g.counts.error > 0 || g.counts.skipped > 0);
  if (failing.length > 0) {
    out.push('', '## Errors by type', '');
    for (const g of failing) {
      const parts: string[] = [];
      if (g.counts.error > 0) parts.push(errorsLine(g.errors_by_type));
      if (g.counts.skipped > 0) parts.push(`skipped: ${errorsLine(g.skipped_by_type)}`);
      out.push(`- ${cell(groupLabel(g))}: ${cell(parts.join('; '))}`);
    }
  }
  if (summary.quality) out.push('', renderQualityMarkdown(summary.quality));
  return out.join('\n') + '\n';
}
