import { dirname, join, resolve } from 'node:path';
import type { SuiteIssue } from '../../errors/suite-error.ts';
import type { CaseEntry, SuiteCase, SuiteDocument } from '../schema.ts';
import { DatasetReadError, readDatasetRows } from './read-rows.ts';
import { entryPlaceholders, fileStem, fillAssertions, rowToCase } from './row-case.ts';
import { sampleRows } from './sample-rows.ts';

/** What the cases of a suite need to be expanded: the document, and where its files are. */
export interface CaseSource {
  cases: SuiteDocument['cases'];
  defaults?: SuiteDocument['defaults'];
  /** Folder that dataset paths are relative to. */
  dir: string;
  /** The suite file as the user named it (dataset files are named relative to its folder in errors). */
  file: string;
  /** Rows per `cases` entry (undefined for inline cases), known after checkCases. */
  entryRows?: (number | undefined)[];
}

/** At most this many row problems per dataset are listed (the count of the rest is given). */
const MAX_ROW_ISSUES = 50;

/** Where one case came from, for "duplicate id" messages. */
export type CaseOrigin = (index: number) => string;

export interface CaseCheck {
  issues: SuiteIssue[];
  /** Cases the suite plans (after `sample`). */
  caseCount: number;
  entryRows: (number | undefined)[];
}

/**
 * Reads every row of every dataset once: row problems (missing placeholder values, bad ids, bad
 * files) and duplicate ids across inline cases and rows (both places named). Keeps only ids.
 */
export function checkCases(src: CaseSource, inlineWhere: CaseOrigin): CaseCheck {
  const issues: SuiteIssue[] = [];
  const seen = new Map<string, string>();
  const entryRows: (number | undefined)[] = [];
  let caseCount = 0;
  const addId = (id: string, here: string, issue: () => SuiteIssue) => {
    const first = seen.get(id);
    if (first === undefined) seen.set(id, here);
    else issues.push({ ...issue(), message: `duplicate case id \`${id}\`: also used by ${first}; ids must be unique` });
  };
  src.cases.forEach((entry, i) => {
    if (entry.file === undefined) {
      entryRows.push(undefined);
      caseCount += 1;
      // inline duplicates among themselves are reported by the suite checks already
      if (entry.id !== undefined && !seen.has(entry.id)) seen.set(entry.id, inlineWhere(i));
      return;
    }
    const shown = datasetName(src, entry.file);
    let rows = 0;
    let rowIssues = 0;
    for (const item of entryItems(src, entry, i, undefined)) {
      rows += 1;
      if ('error' in item) {
        issues.push(item.error);
        if (item.fatal) break;
        rowIssues += 1;
        continue;
      }
      const { c, row, line } = item;
      addId(c.id, `${shown}:${line} row ${row}`, () => ({ file: shown, line, col: 1, path: `row ${row}`, message: '' }));
    }
    if (rowIssues > MAX_ROW_ISSUES) issues.push({ file: shown, path: '', message: `${rowIssues - MAX_ROW_ISSUES} more rows with problems not listed` });
    entryRows.push(rows);
    caseCount += entry.sample && entry.sample.n < rows ? entry.sample.n : rows;
  });
  return { issues: capRowIssues(issues), caseCount, entryRows };
}

function capRowIssues(issues: SuiteIssue[]): SuiteIssue[] {
  const perFile = new Map<string, number>();
  return issues.filter((i) => {
    if (!i.path.startsWith('row ')) return true;
    const n = (perFile.get(i.file) ?? 0) + 1;
    perFile.set(i.file, n);
    return n <= MAX_ROW_ISSUES;
  });
}

/**
 * The suite's cases in order, inline ones as written and each dataset row as its own case,
 * read lazily (one row at a time for JSONL). Assumes checkCases passed; throws on a bad row.
 */
export function* iterateCases(src: CaseSource): Generator<SuiteCase> {
  for (let i = 0; i < src.cases.length; i++) {
    const entry = src.cases[i];
    if (entry.file === undefined) {
      const { file: _f, sample: _s, ...c } = entry;
      yield { ...c, id: entry.id!, ...(c.assert ? { assert: fillAssertions(c.assert, c.vars) } : {}) };
      continue;
    }
    const keep = entry.sample ? sampleRows(src.entryRows?.[i] ?? countRows(src, entry), entry.sample.n, entry.sample.seed) : undefined;
    for (const item of entryItems(src, entry, i, keep)) {
      if ('error' in item) throw new Error(`${item.error.file}:${item.error.line ?? ''} ${item.error.message}`);
      yield item.c;
    }
  }
}

type EntryItem = { c: SuiteCase; row: number; line: number } | { error: SuiteIssue; fatal: boolean };

function* entryItems(src: CaseSource, entry: CaseEntry, index: number, keep: Set<number> | undefined): Generator<EntryItem> {
  const shown = datasetName(src, entry.file!);
  const placeholders = entryPlaceholders(entry, src.defaults?.system);
  const stem = fileStem(entry.file!);
  try {
    for (const row of readDatasetRows(resolve(src.dir, entry.file!))) {
      if (keep && !keep.has(row.row)) continue;
      const r = rowToCase(entry, row, stem, placeholders);
      if ('case' in r) yield { c: r.case, row: row.row, line: row.line };
      else yield { error: { file: shown, line: row.line, col: 1, path: `row ${row.row}`, message: r.problems.join('; ') }, fatal: false };
    }
  } catch (e) {
    yield { error: fileIssue(e, shown, index), fatal: true };
  }
}

function fileIssue(e: unknown, shown: string, index: number): SuiteIssue {
  if (e instanceof DatasetReadError) {
    return { file: shown, line: e.line, col: e.col, path: e.row !== undefined ? `row ${e.row}` : '', message: e.message };
  }
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
    return { file: shown, path: `cases[${index}].file`, message: 'dataset file not found; paths are relative to the suite file' };
  }
  throw e;
}

function countRows(src: CaseSource, entry: CaseEntry): number {
  let n = 0;
  for (const _ of readDatasetRows(resolve(src.dir, entry.file!))) n += 1;
  return n;
}

/** The dataset path as the user would type it from here: the suite's folder as given, joined. */
function datasetName(src: CaseSource, file: string): string {
  return join(dirname(src.file), file);
}
