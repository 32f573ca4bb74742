import fs from 'node:fs';
import { InputError } from '../errors/input-error.ts';
import type { Job } from '../plan/types.ts';
import { JsonlSink, readJsonlRows } from '../results/jsonl-sink.ts';
import type { ResultRow } from '../results/result-row.ts';

export interface ResumePlan {
  /**
   * Jobs with no row worth keeping: these run now. A fresh pass over the plan each call, filtered
   * as it goes, so the remaining jobs are never all held at once.
   */
  jobsToRun: () => Iterable<Job>;
  /** How many jobsToRun yields. */
  toRun: number;
  /** Rows kept from the earlier run (already rewritten into results.jsonl). */
  kept: number;
  /** A torn last line (process killed mid-write) that was dropped. */
  tornLines: number;
}

/**
 * `run --resume DIR`: keeps every `ok` row (and `error` rows unless `retryErrors`), rewrites
 * results.jsonl with exactly those rows (one per job; a torn last line dropped), and returns the
 * jobs still to run. Rows are streamed twice rather than held; what stays in memory is one map
 * entry per kept row (job id -> line, ~100 bytes), which `--resume` needs to know what is done.
 * `jobs`: an array or a factory of fresh passes over the plan (it is walked more than once).
 * `onKept` sees each kept row (the summary is rebuilt from them).
 */
export async function prepareResume(
  jsonlPath: string,
  jobs: readonly Job[] | (() => Iterable<Job>),
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
  const pass = typeof jobs === 'function' ? jobs : () => jobs;
  function* jobsToRun(): Iterable<Job> {
    for (const j of pass()) if (!keptLine.has(j.id)) yield j;
  }
  let toRun = 0;
  for (const _ of jobsToRun()) toRun++;
  return { jobsToRun, toRun, kept: keptLine.size, tornLines };
}
