import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors/index.ts';
import { SWEEP_FILES, type SweepResult } from '../sweep.ts';
import { readJsonlRows } from '../../results/jsonl-sink.ts';
import { REPORT_FILES } from '../report-files.ts';
import { summarizeRows, type Summary, type SummaryInputRow } from '../summary.ts';
import type { QualityReport } from '../../grade/statistics/index.ts';
import type { CaseTableOptions } from './case-table.ts';
import { renderHtmlReport } from './render-report.ts';
import { sweepLevelsFromResult, type SweepLevel } from './sweep-level.ts';

export const HTML_REPORT_FILE = REPORT_FILES.html;

export interface WriteHtmlReportOptions {
  /** Use this summary instead of reading summary.json. */
  summary?: Summary;
  /** Sweep levels to plot; default: the folder's sweep.json when there is one. */
  sweep?: SweepLevel[];
  cases?: CaseTableOptions;
  quality?: QualityReport;
}

/**
 * Write `report.html` into a run folder from its results.jsonl, summary.json (rebuilt from the
 * rows when missing) and sweep.json (when there is one). Returns the file's path. InputError
 * BAD_RUN_DIR when the folder has no results.jsonl.
 * Mode 0600 like results.jsonl: the page holds model outputs. Written to a temporary file
 * and renamed, so a reader never sees half a report.
 */
export async function writeHtmlReport(dir: string, options: WriteHtmlReportOptions = {}): Promise<string> {
  const jsonl = join(dir, REPORT_FILES.jsonl);
  if (!existsSync(jsonl)) {
    throw new InputError('BAD_RUN_DIR', `\`${dir}\` has no ${REPORT_FILES.jsonl}: give the folder a run wrote (its --out)`);
  }
  const sweep = options.sweep ?? (await readSweep(join(dir, SWEEP_FILES.json)));
  const summary = options.summary ?? (await readSummary(join(dir, REPORT_FILES.summaryJson))) ?? (await summaryFromRows(jsonl));
  const html = await renderHtmlReport({
    summary, rows: readJsonlRows(jsonl), sweep, cases: options.cases, quality: options.quality,
  });
  const path = join(dir, HTML_REPORT_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, html, { encoding: 'utf8', mode: 0o600 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return path;
}

async function readSweep(path: string): Promise<SweepLevel[] | undefined> {
  if (!existsSync(path)) return undefined;
  const s = JSON.parse(await readFile(path, 'utf8')) as SweepResult;
  return s && Array.isArray(s.rows) ? sweepLevelsFromResult(s) : undefined;
}

async function readSummary(path: string): Promise<Summary | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const s = JSON.parse(text) as Summary;
  return s && Array.isArray(s.groups) && s.overall ? s : null;
}

async function summaryFromRows(jsonl: string): Promise<Summary> {
  let suite = '';
  let first = Infinity;
  let last = -Infinity;
  const rows = readJsonlRows(jsonl) as AsyncIterable<SummaryInputRow>;
  async function* watch(): AsyncIterable<SummaryInputRow> {
    for await (const r of rows) {
      suite ||= r.suite;
      const send = r.send_epoch_ms ?? (r.started_at ? Date.parse(r.started_at) : NaN);
      if (Number.isFinite(send)) {
        first = Math.min(first, send);
        last = Math.max(last, send + (r.latency_ms ?? 0));
      }
      yield r;
    }
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '');
  const summary = await summarizeRows(watch(), { suite: '', startedAt: '', finishedAt: '' });
  return { ...summary, suite, started_at: iso(first), finished_at: iso(last), duration_ms: Number.isFinite(last - first) ? last - first : null };
}
