import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../errors/input-error.ts';
import { configKey, type GradedCases } from '../../grade/statistics/index.ts';
import type { RowStatus } from '../../results/result-row.ts';
import { readJsonlRows } from '../../results/jsonl-sink.ts';
import { REPORT_FILES } from '../report-files.ts';
import { SummaryBuilder, type Summary, type SummaryInputRow } from '../summary.ts';

/** One row's outcome, as the comparison needs it (a few fields, not the answer). */
export interface RowOutcome {
  case_id: string;
  repeat: number;
  status: RowStatus;
  passed: boolean | null;
  error_type: string | null;
  reasons: string[];
  /** Measured timings (successful, not cached): the samples of the latency ratio intervals. */
  latency_ms: number | null;
  ttft_ms: number | null;
}

export interface LoadedRun {
  dir: string;
  summary: Summary;
  /** configKey -> `case_id \0 repeat` -> outcome (a later row for the same pair wins, as in the quality report). */
  outcomes: Map<string, Map<string, RowOutcome>>;
  /** Case ids graded anywhere in the run (grade/statistics/pass-rate.ts): errors and skips on them are failures. */
  gradedCases: GradedCases;
  /** True when some row has a repeat above 1 (case names then show `#repeat`). */
  repeats: boolean;
}

/**
 * Read a run folder for comparison: its results.jsonl (streamed; only a small outcome per row is
 * kept) and its summary.json, or, when that is missing or unreadable, a summary rebuilt from
 * the rows in memory (nothing is written). InputError BAD_RUN_DIR when there is no results.jsonl.
 */
export async function loadRunForComparison(dir: string): Promise<LoadedRun> {
  const jsonl = join(dir, REPORT_FILES.jsonl);
  if (!existsSync(jsonl)) {
    throw new InputError('BAD_RUN_DIR', `\`${dir}\` has no ${REPORT_FILES.jsonl}: give the folder a run wrote (its --out)`);
  }
  const stored = await readSummary(join(dir, REPORT_FILES.summaryJson));
  const builder = stored ? null : new SummaryBuilder();
  const outcomes = new Map<string, Map<string, RowOutcome>>();
  const gradedCases: GradedCases = { graded: new Set(), scored: new Set() };
  let repeats = false;
  let suite: string | undefined;
  for await (const row of readJsonlRows(jsonl)) {
    builder?.add(row as SummaryInputRow);
    suite ??= row.suite;
    if (row.warmup) continue; // left out of every statistic
    const key = configKey(row.provider, row.model, row.reasoning_effort ?? '');
    let m = outcomes.get(key);
    if (!m) outcomes.set(key, (m = new Map()));
    const pair = `${row.case_id}\u0000${row.repeat}`;
    const measured = row.status === 'ok' && !row.cached;
    m.delete(pair);
    m.set(pair, {
      case_id: row.case_id,
      repeat: row.repeat,
      status: row.status,
      passed: typeof row.passed === 'boolean' ? row.passed : null,
      error_type: row.error_type ?? null,
      reasons: Array.isArray(row.reasons) ? row.reasons : [],
      latency_ms: measured ? row.latency_ms : null,
      ttft_ms: measured ? row.ttft_ms : null,
    });
    if (row.error_type !== 'incomplete' && typeof row.passed === 'boolean') gradedCases.graded.add(row.case_id);
    if (row.repeat > 1) repeats = true;
  }
  const summary = stored ?? builder!.finish({ suite: suite ?? '', startedAt: '', finishedAt: '' });
  return { dir, summary, outcomes, gradedCases, repeats };
}

async function readSummary(path: string): Promise<Summary | null> {
  try {
    const s = JSON.parse(await readFile(path, 'utf8')) as Summary;
    return s && typeof s === 'object' && Array.isArray(s.groups) && s.overall ? s : null;
  } catch {
    return null;
  }
}
