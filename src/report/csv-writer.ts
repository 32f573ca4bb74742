import { createWriteStream } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { RESULT_COLUMNS } from '../results/result-row.ts';
import { readJsonlRows, type JsonlReadStats } from '../results/jsonl-sink.ts';

/** results.csv columns: the row contract's order, then the error message (JSONL-only otherwise). */
export const CSV_COLUMNS = [...RESULT_COLUMNS, 'error_message'] as const;

/**
 * A text cell a spreadsheet would not run as a formula (OWASP "CSV injection"): a cell starting
 * with `=`, `+`, `-`, `@`, TAB or CR gets a leading `'`, which Excel, LibreOffice and Google
 * Sheets show as text. Only strings: numbers (negative latencies never occur, costs are numbers)
 * are written as numbers. results.jsonl keeps the raw text.
 */
export function neutralizeFormula(cell: string): string {
  const c = cell.charCodeAt(0);
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d ? `'${cell}` : cell;
}

/**
 * csv-stringify options for result rows: header line, fixed columns, booleans as true/false,
 * null/undefined as empty cells, text cells through neutralizeFormula. Fields holding a comma,
 * quote or line break are quoted (RFC 4180).
 */
export function resultCsvOptions() {
  return {
    header: true,
    columns: [...CSV_COLUMNS],
    cast: { boolean: (v: boolean) => (v ? 'true' : 'false'), string: neutralizeFormula },
  };
}

/**
 * Write results.csv from results.jsonl, streaming row by row (memory does not grow with the run).
 * A torn last JSONL line is skipped (see readJsonlRows). The CSV is mode 0o600: it holds responses.
 */
export async function writeCsvFromJsonl(jsonlPath: string, csvPath: string): Promise<JsonlReadStats> {
  const rows = readJsonlRows(jsonlPath);
  await pipeline(
    Readable.from(rows),
    stringify(resultCsvOptions()),
    createWriteStream(csvPath, { mode: 0o600 }),
  );
  await chmod(csvPath, 0o600).catch(() => {}); // the stream's mode only applies to a new file
  return { ...rows.stats };
}
