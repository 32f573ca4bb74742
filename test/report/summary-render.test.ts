import { describe, expect, it } from 'vitest';
import { renderSummaryMarkdown, renderSummaryTable, SummaryBuilder, type Summary } from '../../src/report/index.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { makeRow } from './make-row.ts';
import { fixtureRows, META } from './summary-fixture.ts';

function summaryOf(rows: ResultRow[]): Summary {
  const b = new SummaryBuilder();
  for (const r of rows) b.add(r);
  return b.finish(META);
}

/** Split a Markdown table line into cells, honouring `\|` escapes. */
function mdCells(line: string): string[] {
  return line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
}

describe('renderSummaryMarkdown', () => {
  const md = renderSummaryMarkdown(summaryOf(fixtureRows()));
  const lines = md.split('\n');
  const tableStart = lines.findIndex((l) => l.startsWith('| Model'));
  const header = mdCells(lines[tableStart]);
  const row = (model: string) => {
    const cells = mdCells(lines.slice(tableStart + 2).find((l) => mdCells(l)[0] === model)!);
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  };

  it('has a heading and the run facts', () => {
    expect(lines[0]).toBe('# evalbench: demo');
    expect(md).toContain('4 ok / 7 total, 2 errors, 1 skipped, 1 from cache');
    expect(md).toContain('9 (3 retries, 1.00 s waiting)');
    expect(md).toContain('- **Window:** 3.00 s');
    expect(md).toContain('1.00 req/s, 63.33 aggregate output tok/s, mean concurrency 0.78');
    expect(md).toContain('(1 of 4 rows estimated by tokenizer)');
    expect(md).toContain('- **Cost:** $0.003000');
  });

  it('has one table row per group plus the run, with the right numbers', () => {
    expect(header).toEqual([
      'Model', 'Effort', 'OK/Total', 'Errors', 'TTFT p50 ms', 'TTFT p95 ms', 'Latency p50 ms', 'Latency p95 ms',
      'TPOT p50 ms', 'Decode tok/s p50', 'Aggregate out tok/s', 'Tokens', 'Cost', 'Pass rate',
    ]);
    expect(row('sim:fast')).toEqual({
      Model: 'sim:fast', Effort: 'default', 'OK/Total': '2/3', Errors: '1', 'TTFT p50 ms': '150', 'TTFT p95 ms': '195',
      'Latency p50 ms': '670', 'Latency p95 ms': '805', 'TPOT p50 ms': '15.0', 'Decode tok/s p50': '75.00', 'Aggregate out tok/s': '90.00',
      Tokens: '~112', Cost: '$0.003000', 'Pass rate': '50.0% (1/2, CI 9.5–90.5%)',
    });
    expect(row('sim:slow')).toMatchObject({ Effort: 'high', 'OK/Total': '2/4', 'Latency p50 ms': '1000', Cost: '-', 'Pass rate': '-' });
    expect(row('**all**')).toMatchObject({ 'OK/Total': '4/7', Errors: '2', 'Latency p50 ms': '820', 'Decode tok/s p50': '100.0', 'Aggregate out tok/s': '63.33' });
    // The first table only: quality tables (when graded) follow it after a blank line.
    const end = lines.findIndex((l, i) => i > tableStart && !l.startsWith('|'));
    const tableLines = lines.slice(tableStart, end === -1 ? undefined : end).filter((l) => l.startsWith('|'));
    expect(tableLines).toHaveLength(5);
    for (const l of tableLines) expect(mdCells(l)).toHaveLength(header.length);
  });

  it('lists errors by type per group', () => {
    expect(md).toContain('- sim:fast (default): timeout ×1');
    expect(md).toContain('- sim:slow (high): rate_limited ×1; skipped: budget ×1');
  });

  it('drops the pass-rate column when nothing was graded, and escapes pipes', () => {
    const out = renderSummaryMarkdown(summaryOf([makeRow({ model: 'a|b' })]));
    const head = out.split('\n').find((l) => l.startsWith('| Model'))!;
    expect(head).not.toContain('Pass rate');
    expect(out).toContain('| sim:a\\|b |');
    expect(out).not.toContain('**all**'); // one group: no separate run row
    expect(out).not.toContain('Errors by type');
  });
});

describe('renderSummaryTable', () => {
  const s = summaryOf(fixtureRows());

  it('aligns columns and carries the same numbers', () => {
    const out = renderSummaryTable(s);
    expect(out).not.toContain('\x1b[');
    const lines = out.split('\n');
    const h = lines.findIndex((l) => l.startsWith('Model'));
    const table = lines.slice(h, h + 6);
    expect(new Set(table.map((l) => l.length)).size).toBe(1); // every line the same width
    const fast = table.find((l) => l.startsWith('sim:fast'))!;
    // Right-aligned numbers end where their header ends.
    const end = (line: string, token: string) => line.indexOf(token) + token.length;
    expect(end(fast, ' 670 ')).toBe(end(table[0], 'Latency p50 ms') + 1);
    expect(fast.split(/\s{2,}/)).toEqual(['sim:fast', 'default', '2/3', '1', '150', '195', '670', '805', '15.0', '75.00', '90.00', '~112', '$0.003000', '50.0% (1/2)']);
    expect(table.find((l) => l.startsWith('all'))!.split(/\s{2,}/).slice(1, 3)).toEqual(['4/7', '2']);
    expect(out).toContain('Requests:      4 ok / 7 total, 2 errors, 1 skipped, 1 from cache');
    expect(out).toContain('  sim:fast (default): timeout ×1');
  });

  it('colours only when asked', () => {
    const out = renderSummaryTable(s, { color: true });
    expect(out).toContain('\x1b[1mModel');
    expect(out).toContain('\x1b[31m');
  });
});
