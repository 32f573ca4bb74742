import { renderQualityText } from '../grade/statistics/index.ts';
import type { Summary } from './summary.ts';
import { errorsLine, groupLabel, groupTable, runFacts } from './summary-format.ts';

export interface SummaryTableOptions {
  /** ANSI colours (bold header, red error counts). Off unless asked. */
  color?: boolean;
}

const BOLD = '\x1b[1m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

/** The summary as aligned plain text for stdout. */
export function renderSummaryTable(summary: Summary, options: SummaryTableOptions = {}): string {
  const paint = (code: string, s: string) => (options.color ? `${code}${s}${RESET}` : s);
  const lines: string[] = [];

  const facts = runFacts(summary);
  const labelWidth = Math.max(...facts.map(([l]) => l.length));
  for (const [label, value] of facts) lines.push(`${(label + ':').padEnd(labelWidth + 1)}  ${value}`);
  lines.push('');

  const t = groupTable(summary);
  const widths = t.headers.map((h, c) => Math.max(h.length, ...t.rows.map((r) => r[c].length)));
  const align = (s: string, c: number) => (t.numeric[c] ? s.padStart(widths[c]) : s.padEnd(widths[c]));
  const errorsCol = t.headers.indexOf('Errors');
  lines.push(paint(BOLD, t.headers.map(align).join('  ').trimEnd()));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  t.rows.forEach((r, i) => {
    if (i === t.overallRow) lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
    const cells = r.map((s, c) => {
      const v = align(s, c);
      return c === errorsCol && s !== '0' ? paint(RED, v) : v;
    });
    lines.push(cells.join('  ').trimEnd());
  });

  const failing = summary.groups.filter((g) => g.counts.error > 0 || g.counts.skipped > 0);
  if (failing.length > 0) {
    lines.push('', 'Errors by type:');
    for (const g of failing) {
      const parts: string[] = [];
      if (g.counts.error > 0) parts.push(errorsLine(g.errors_by_type));
      if (g.counts.skipped > 0) parts.push(`skipped: ${errorsLine(g.skipped_by_type)}`);
      lines.push(`  ${groupLabel(g)}: ${parts.join('; ')}`);
    }
  }
  if (summary.quality) lines.push('', renderQualityText(summary.quality));
  return lines.join('\n') + '\n';
}
