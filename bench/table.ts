export type Cell = string | number | null | undefined;

/** A number for a table cell: fixed decimals, '-' for missing. */
export function fmt(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  const s = v.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s; // no "-0.000" for a tiny negative
}

/** Integer with thousands separators (1,234,567). */
export function fmtInt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return Math.round(v).toLocaleString('en-US');
}

/** A plain-text table: title, header, rule, rows; numbers right-aligned, text left-aligned. */
export function renderTable(title: string, header: readonly string[], rows: readonly (readonly Cell[])[], notes: readonly string[] = []): string {
  const text = rows.map((r) => header.map((_, i) => cellText(r[i])));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^[-+]?[\d,.]+[%x]?$|^-$/.test(cellText(r[i]))));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [title, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)];
  for (const n of notes) out.push(`  ${n}`);
  return out.join('\n') + '\n';
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return '-';
  return typeof c === 'number' ? fmt(c) : c;
}
