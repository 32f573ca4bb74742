import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { createRequire } from 'node:module';
import type { CsvError as CsvErrorType } from 'csv-parse/sync';

// csv-parse is loaded with the first CSV file read, not when the CLI starts (`validate` of a
// suite without datasets stays quick); its CommonJS build serves a synchronous require.
const load = createRequire(import.meta.url);
const csv = () => load('csv-parse/sync') as typeof import('csv-parse/sync');
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';

/** One row of a dataset file: its values by column name, and where it is. */
export interface DatasetRow {
  /** 1-based, counting data rows only (a CSV header and blank JSONL lines are not rows). */
  row: number;
  /** 1-based line where the row starts in the file. */
  line: number;
  values: Record<string, unknown>;
}

/** A problem with the file itself (not with one row's values); positions are 1-based. */
export class DatasetReadError extends Error {
  constructor(message: string, readonly line?: number, readonly col?: number, readonly row?: number) {
    super(message);
  }
}

export const DATASET_FORMATS = ['.csv', '.jsonl', '.json', '.yaml', '.yml'] as const;

/**
 * The rows of a dataset file, in file order. JSONL is read in 64 KiB chunks, so a file of any
 * size is walked in bounded memory; CSV, JSON and YAML are parsed whole (use JSONL or CSV for
 * very large sets). Throws DatasetReadError for an unknown extension, bad UTF-8, bad syntax,
 * a row that is not an object, or a file without rows.
 */
export function* readDatasetRows(file: string): Generator<DatasetRow> {
  const ext = extname(file).toLowerCase();
  let count = 0;
  const rows =
    ext === '.jsonl' ? jsonlRows(file)
    : ext === '.csv' ? csvRows(readText(file))
    : ext === '.json' || ext === '.yaml' || ext === '.yml' ? documentRows(readText(file))
    : unknownFormat(ext);
  for (const r of rows) {
    count += 1;
    yield r;
  }
  if (count === 0) throw new DatasetReadError('the dataset has no rows (an empty file, or a CSV with only a header): add rows or remove the entry');
}

function unknownFormat(ext: string): never {
  throw new DatasetReadError(`unknown dataset format \`${ext || '(no extension)'}\`: use ${DATASET_FORMATS.join(', ')}`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The whole file as text; bad UTF-8 is reported at its line. A leading BOM is dropped. */
function readText(file: string): string {
  const buf = readFileSync(file);
  try {
    return utf8.decode(buf).replace(/^\uFEFF/, '');
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= buf.length; i++) {
      if (i < buf.length && buf[i] !== 0x0a) continue;
      try {
        utf8.decode(buf.subarray(start, i));
      } catch {
        break;
      }
      line += 1;
      start = i + 1;
    }
    throw badEncoding(line);
  }
}

function badEncoding(line: number): DatasetReadError {
  return new DatasetReadError('bad encoding: the text is not valid UTF-8; save the file as UTF-8', line, 1);
}

/** JSONL, one object per line, read chunk by chunk. Blank lines are skipped. */
function* jsonlRows(file: string): Generator<DatasetRow> {
  let row = 0;
  for (const { text, line } of fileLines(file)) {
    if (text.trim() === '') continue;
    row += 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new DatasetReadError(`not valid JSON: ${(e as Error).message}`, line, 1, row);
    }
    if (!isPlainObject(value)) throw new DatasetReadError('each line must be a JSON object such as {"question": "..."}', line, 1, row);
    yield { row, line, values: value };
  }
}

function* fileLines(file: string): Generator<{ text: string; line: number }> {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let carry = Buffer.alloc(0);
    let line = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      const buf = n > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : carry;
      let start = 0;
      for (let i = buf.indexOf(0x0a); i !== -1 && (n > 0 || i < buf.length); i = buf.indexOf(0x0a, start)) {
        line += 1;
        yield { text: decodeLine(buf.subarray(start, i), line), line };
        start = i + 1;
      }
      carry = Buffer.from(buf.subarray(start));
      if (n === 0) break;
    }
    if (carry.length > 0) yield { text: decodeLine(carry, line + 1), line: line + 1 };
  } finally {
    closeSync(fd);
  }
}

function decodeLine(bytes: Uint8Array, line: number): string {
  try {
    const text = utf8.decode(bytes);
    return (line === 1 ? text.replace(/^\uFEFF/, '') : text).replace(/\r$/, '');
  } catch {
    throw badEncoding(line);
  }
}

/** CSV with a header row; every value is a string. */
function* csvRows(text: string): Generator<DatasetRow> {
  let records: { record: Record<string, string>; info: { lines: number; records: number } }[];
  try {
    records = csv().parse(text, { columns: true, info: true, skip_empty_lines: true, trim: false });
  } catch (e) {
    if (!(e instanceof csv().CsvError)) throw e;
    const info = e as CsvErrorType & { lines?: number; column?: number | string; index?: number };
    const col = typeof info.index === 'number' ? info.index + 1 : undefined;
    throw new DatasetReadError(`bad CSV: ${e.message}`, info.lines, col);
  }
  let row = 0;
  for (const r of records) {
    row += 1;
    yield { row, line: r.info.lines, values: r.record };
  }
}

/** A JSON array or YAML list of objects (JSON is read by the YAML parser to get each row's line). */
function* documentRows(text: string): Generator<DatasetRow> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const p = lines.linePos(e.pos[0]);
    throw new DatasetReadError(`not valid JSON/YAML: ${e.message.split('\n')[0]}`, p.line || 1, p.col || 1);
  }
  if (doc.contents === null) return;
  if (!isSeq(doc.contents)) throw new DatasetReadError('the file must hold a list (JSON array or YAML sequence) of objects', 1, 1);
  let row = 0;
  for (const item of doc.contents.items) {
    row += 1;
    const start = (item as { range?: [number, number, number] }).range?.[0] ?? 0;
    const p = lines.linePos(start);
    if (!isMap(item)) throw new DatasetReadError('each item must be an object (a mapping of column to value)', p.line, p.col, row);
    yield { row, line: p.line, values: item.toJSON() as Record<string, unknown> };
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
