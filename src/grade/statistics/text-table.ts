export type Align = 'left' | 'right';

/**
 * Plain-text table for a terminal: columns padded to their widest cell, two spaces apart,
 * a dashed rule under the header. `align` per column; default left for the first, right after.
 */
export function renderTextTable(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const aligns = headers.map((_, i) => align?.[i] ?? (i === 0 ? 'left' : 'right'));
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => pad(cell ?? '', widths[i], aligns[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** GitHub-flavoured Markdown table; `|` inside cells is escaped. */
export function renderMarkdownTable(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const aligns = headers.map((_, i) => align?.[i] ?? (i === 0 ? 'left' : 'right'));
  const line = (cells: readonly string[]) => `| ${cells.map((c) => escapeCell(c ?? '')).join(' | ')} |`;
  const rule = `|${aligns.map((a) => (a === 'right' ? ' ---: ' : ' --- ')).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Code points, not UTF-16 units, so that e.g. "Δ" and "±" line up. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, w: number, align: Align): string {
  const fill = ' '.repeat(Math.max(0, w - width(text)));
  return align === 'right' ? fill + text : text + fill;
}
