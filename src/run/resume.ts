import fs from 'node:fs';
import { InputError } from '../errors/input-error.ts';
import type { Job } from '../plan/types.ts';
import { JsonlSink, readJsonlRows } from '../report/jsonl-sink.ts';
import type { ResultRow } from './result-row.ts';

export interface ResumePlan {
  /** Jobs with no row worth keeping: these run now. */
  jobsToRun: Job[];
  /** Rows kept from the earlier run (already rewritten into results.jsonl). */
  kept: number;
  /** A torn last line (process killed mid-write) that was dropped. */
  tornLines: number;
}

/**
 * `run --resume DIR`: keeps every `ok` row (and `error` rows unless `retryErrors`), rewrites
 * results.jsonl with exactly those rows (one per job; a torn last line dropped), and returns the
 * jobs still to run. Rows are streamed twice rather than held, so a large run stays small.
 * `onKept` sees each kept row (the summary is rebuilt from them).
 */
export async function prepareResume(
  jsonlPath: string,
  jobs: Iterable<Job>,
  opts: { retryErrors?: boolean; onKept?: (row: ResultRow) => void } = {},
): Promise<ResumePlan> {
  if (!fs.existsSync(jsonlPath)) {
    throw new InputError('RESUME_NOT_FOUND', `--resume: no results.jsonl in that folder (looked for ${jsonlPath}); give the folder of an earlier run`);
  }
  const keep = (r: ResultRow) => r.status === 'ok' || (r.status === 'error' && !opts.retryErrors);
  // Pass 1: which row of each job to keep (the last keepable one).
  const keptLine = new Map<string, number>();
  let line = 0;
  const first = readJsonlRows(jsonlPath);
  for await (const row of first) {
    if (keep(row)) keptLine.set(row.job_id, line);
    line += 1;
  }
  const tornLines = first.stats.tornLines;
  // Pass 2: copy exactly those rows to a fresh file, then swap it in.
  const tmp = `${jsonlPath}.resume-tmp`;
  const sink = JsonlSink.open(tmp);
  line = 0;
  try {
    for await (const row of readJsonlRows(jsonlPath)) {
      if (keptLine.get(row.job_id) === line) {
        sink.write(row);
        opts.onKept?.(row);
      }
      line += 1;
    }
  } finally {
    sink.close();
  }
  fs.renameSync(tmp, jsonlPath);
  const jobsToRun: Job[] = [];
  for (const j of jobs) if (!keptLine.has(j.id)) jobsToRun.push(j);
  return { jobsToRun, kept: keptLine.size, tornLines };
}
