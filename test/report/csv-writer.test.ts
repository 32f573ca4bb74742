import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, JsonlSink, writeCsvFromJsonl } from '../../src/report/index.ts';
import { neutralizeFormula } from '../../src/report/csv-writer.ts';
import { RESULT_COLUMNS, type ResultRow } from '../../src/results/result-row.ts';
import { makeRow } from './make-row.ts';

const dir = mkdtempSync(join(tmpdir(), 'evalbench-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Minimal RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { record.push(field); field = ''; }
    else if (ch === '\n') { record.push(field); records.push(record); record = []; field = ''; }
    else field += ch;
  }
  if (field !== '' || record.length > 0) { record.push(field); records.push(record); }
  return records;
}

function writeJsonl(name: string, rows: ResultRow[]): string {
  const path = join(dir, name);
  const sink = JsonlSink.open(path);
  for (const r of rows) sink.write(r);
  sink.close();
  return path;
}

describe('writeCsvFromJsonl', () => {
  it('writes exactly the contract columns, in order, then error_message', async () => {
    const jsonl = writeJsonl('a.jsonl', [makeRow()]);
    const csv = join(dir, 'a.csv');
    await writeCsvFromJsonl(jsonl, csv);
    const [header] = parseCsv(readFileSync(csv, 'utf8'));
    expect(header).toEqual([...RESULT_COLUMNS, 'error_message']);
    expect(CSV_COLUMNS).toEqual(header);
    expect(statSync(csv).mode & 0o777).toBe(0o600);
  });

  it('escapes commas, quotes and newlines in output; booleans true/false; null empty', async () => {
    const tricky = 'a, b "quoted"\nsecond line\r\nthird, "end"';
    const rows = [
      makeRow({ job_id: 'x', output: tricky, passed: true, score: 0.5, cost_usd: 0.0012 }),
      makeRow({ job_id: 'y', status: 'error', error_type: 'timeout', latency_ms: null, passed: false, error_message: 'timed out, after 5 s' }),
    ];
    const jsonl = writeJsonl('b.jsonl', rows);
    const csv = join(dir, 'b.csv');
    const stats = await writeCsvFromJsonl(jsonl, csv);
    expect(stats.rows).toBe(2);
    const [header, r1, r2, ...rest] = parseCsv(readFileSync(csv, 'utf8'));
    expect(rest).toEqual([]);
    const col = (name: string) => header.indexOf(name);
    expect(r1).toHaveLength(header.length);
    expect(r2).toHaveLength(header.length);
    expect(r1[col('output')]).toBe(tricky);
    expect(r1[col('passed')]).toBe('true');
    expect(r2[col('passed')]).toBe('false');
    expect(r1[col('score')]).toBe('0.5');
    expect(r1[col('cost_usd')]).toBe('0.0012');
    expect(r1[col('error_type')]).toBe('');
    expect(r2[col('latency_ms')]).toBe('');
    expect(r2[col('error_type')]).toBe('timeout');
    expect(r2[col('error_message')]).toBe('timed out, after 5 s');
    expect(r1[col('reasoning_effort')]).toBe('');
    expect(r1[col('latency_ms')]).toBe('100');
  });

  it('skips a torn last JSONL line and reports it', async () => {
    const jsonl = writeJsonl('c.jsonl', [makeRow({ job_id: 'ok1' })]);
    appendFileSync(jsonl, '{"job_id":"half');
    const csv = join(dir, 'c.csv');
    const stats = await writeCsvFromJsonl(jsonl, csv);
    expect(stats.tornLines).toBe(1);
    const records = parseCsv(readFileSync(csv, 'utf8'));
    expect(records).toHaveLength(2);
    expect(records[1][0]).toBe('ok1');
  });

  it('writes the header even when there are no rows', async () => {
    const jsonl = join(dir, 'd.jsonl');
    writeFileSync(jsonl, '');
    const csv = join(dir, 'd.csv');
    await writeCsvFromJsonl(jsonl, csv);
    expect(parseCsv(readFileSync(csv, 'utf8'))).toEqual([[...CSV_COLUMNS]]);
  });
});

describe('neutralizeFormula (issue 17: spreadsheet formula injection)', () => {
  it("prefixes cells starting with = + - @ TAB CR with a quote; others unchanged", () => {
    for (const c of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutralizeFormula(c)).toBe(`'${c}`);
    for (const c of ['', 'hello', ' =1', "'=1", '1=1']) expect(neutralizeFormula(c)).toBe(c);
  });
});
