import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../errors/input-error.ts';
import type { ResultRow, RowStatus } from '../results/result-row.ts';
import { JsonlSink, readJsonlRows } from '../results/jsonl-sink.ts';
import { REPORT_FILES } from './report-files.ts';
import { rebuildReports } from './rebuild-reports.ts';
import type { Summary, SummaryMeta } from './summary.ts';
import { readRunRecord } from './run-record.ts';
import { checkShardSet, clockSpread, wholeRunCostBudget, type ShardSetSummary } from './shard-set.ts';

export interface MergeDuplicate {
  job_id: string;
  /** The copy kept: an ok row over a failed or skipped one, else the later (later folder, later line). */
  kept: { dir: string; status: RowStatus };
  dropped: { dir: string; status: RowStatus }[];
}

export interface MergeInput {
  dir: string;
  /** Rows read from its results.jsonl. */
  rows: number;
  /** 1 when its last line was torn (a crash mid-write) and skipped. */
  tornLines: number;
}

export interface MergeResult {
  /** Rows written to outDir/results.jsonl (one per job id). */
  rows: number;
  /** Job ids found in more than one row (shards that overlap, a folder given twice, a resumed run). */
  duplicates: MergeDuplicate[];
  inputs: MergeInput[];
  summary: Summary;
  /** What the folders' run.json files say about the set; null for folders written before run.json. */
  shards: ShardSetSummary | null;
}

export interface MergeOptions {
  /** Merge an incomplete set of shards (the summary names the missing ones) instead of exiting 1. */
  allowPartial?: boolean;
}

/**
 * Join several run folders (the shards of one run) into `outDir`: results.jsonl with one row per
 * job id, then every report file (results.csv, summary.json, summary.md, junit.xml,
 * sketches.json, report.html) rebuilt from it (rebuildReports).
 *
 * - The same job in several rows: an ok row wins over a failed or skipped one, otherwise the
 *   later one (folders in argument order, lines in file order). Reported in `duplicates`.
 * - Row order: the shards' rows are interleaved by end time (last token, else send + latency),
 *   a k-way merge of files that are each already in the order their jobs ended; rows without a
 *   time (skipped jobs) go with the next timed row of their file, or last. So the merged file
 *   reads like one run's, and a merge of shards gives the same summary (timings aside) as the
 *   same rows in one unsharded file.
 * - Meta: the earliest started_at and latest finished_at of the shards' summary.json files; when
 *   a shard has none, derived from the rows.
 * - Two passes over the inputs, streaming: memory holds a few numbers per job, never the rows.
 *
 * - Before any row is read, the folders' run.json files must agree (checkShardSet): one plan
 *   fingerprint and shard count, every shard present unless options.allowPartial.
 *
 * Throws InputError: MERGE_NO_INPUT (no folder), MERGE_INPUT_MISSING (a folder without
 * results.jsonl), MERGE_SAME_DIR (a folder given twice, or outDir among the inputs),
 * MERGE_PLAN_MISMATCH (different plans), MERGE_SUITE_MISMATCH (rows of different suites),
 * RESULTS_FILE_INVALID (a damaged line); MergeIncompleteError (exit 1) for a missing shard.
 */
export async function mergeRunDirs(dirs: readonly string[], outDir: string, options: MergeOptions = {}): Promise<MergeResult> {
  checkDirs(dirs, outDir);
  const records = await Promise.all(dirs.map(async (dir) => ({ dir, record: await readRunRecord(dir) })));
  const set = checkShardSet(records, options);

  // Pass 1: which row of which folder to keep for every job id, and the suite.
  const winners = new Map<string, { dir: number; line: number; ok: boolean; status: RowStatus }>();
  const dropped = new Map<string, { dir: string; status: RowStatus }[]>();
  const inputs: MergeInput[] = [];
  const suites = new Set<string>();
  for (let d = 0; d < dirs.length; d++) {
    const reader = readJsonlRows(join(dirs[d], REPORT_FILES.jsonl));
    let line = 0;
    for await (const row of reader) {
      suites.add(row.suite);
      const id = rowId(row);
      const cand = { dir: d, line: line++, ok: row.status === 'ok', status: row.status };
      const prev = winners.get(id);
      if (prev) {
        const keepNew = cand.ok || !prev.ok;
        const loser = keepNew ? prev : cand;
        const list = dropped.get(id) ?? [];
        list.push({ dir: dirs[loser.dir], status: loser.status });
        dropped.set(id, list);
        if (!keepNew) continue;
      }
      winners.set(id, cand);
    }
    inputs.push({ dir: dirs[d], rows: reader.stats.rows, tornLines: reader.stats.tornLines });
  }
  if (suites.size > 1) {
    throw new InputError(
      'MERGE_SUITE_MISMATCH',
      `these folders hold rows of different suites (${[...suites].map((s) => `\`${s}\``).join(', ')}): merge joins the shards of one run`,
    );
  }

  // Pass 2: the kept rows, interleaved by end time.
  await mkdir(outDir, { recursive: true });
  // A stale summary.json there would lend its meta to rebuildReports.
  await rm(join(outDir, REPORT_FILES.summaryJson), { force: true });
  const sink = JsonlSink.open(join(outDir, REPORT_FILES.jsonl));
  let written = 0;
  try {
    const keep = (row: ResultRow, dir: number, line: number) => {
      const w = winners.get(rowId(row));
      return w !== undefined && w.dir === dir && w.line === line;
    };
    for await (const row of interleave(dirs, keep)) {
      sink.write(row);
      written++;
    }
  } finally {
    sink.close();
  }

  const meta = await shardMeta(dirs);
  const budget = wholeRunCostBudget(records.map((r) => r.record));
  const shards: ShardSetSummary | null = set && {
    ...set,
    // Filled from the merged summary below: the spend is what the merged rows cost.
    budget: budget === null ? null : { max_cost_usd: budget, spent_usd: null },
    clock: clockSpread(records.map((r) => r.record)),
  };
  const { summary } = await rebuildReports(outDir, { suite: [...suites][0], ...meta }, { amend: (s) => {
    if (shards?.budget) shards.budget.spent_usd = s.overall.cost_usd;
    if (shards) s.shards = shards;
  } });
  const duplicates: MergeDuplicate[] = [...dropped].map(([job_id, list]) => {
    const w = winners.get(job_id)!;
    return { job_id, kept: { dir: dirs[w.dir], status: w.status }, dropped: list };
  });
  return { rows: written, duplicates, inputs, summary, shards };
}

function checkDirs(dirs: readonly string[], outDir: string): void {
  if (dirs.length === 0) throw new InputError('MERGE_NO_INPUT', 'merge needs at least one run folder');
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    const abs = resolve(dir);
    const twice = seen.get(abs);
    if (twice !== undefined) {
      throw new InputError('MERGE_SAME_DIR', `run folder given twice: \`${twice}\` and \`${dir}\``);
    }
    seen.set(abs, dir);
    if (!existsSync(join(dir, REPORT_FILES.jsonl))) {
      throw new InputError('MERGE_INPUT_MISSING', `\`${dir}\` has no ${REPORT_FILES.jsonl}: not a run folder (or its run never started)`);
    }
  }
  if (seen.has(resolve(outDir))) {
    throw new InputError('MERGE_SAME_DIR', `--out \`${outDir}\` is one of the folders to merge: write the merge to a new folder`);
  }
}

/** Rows written before job ids existed are keyed by what a job id hashes. */
function rowId(row: ResultRow): string {
  return typeof row.job_id === 'string' && row.job_id !== ''
    ? row.job_id
    : JSON.stringify([row.suite, row.case_id, `${row.provider}:${row.model}`, row.reasoning_effort ?? '', row.repeat]);
}

/** When the row's job ended, epoch ms; null when the row has no time (e.g. skipped). */
function endTime(row: ResultRow): number | null {
  if (typeof row.last_token_epoch_ms === 'number') return row.last_token_epoch_ms;
  const send = typeof row.send_epoch_ms === 'number' ? row.send_epoch_ms : row.started_at ? Date.parse(row.started_at) : NaN;
  if (!Number.isFinite(send)) return null;
  return send + (typeof row.latency_ms === 'number' ? row.latency_ms : 0);
}

interface Head {
  it: AsyncIterator<ResultRow>;
  /** Kept rows read ahead: rows without a time, then the first row with one (if the file has more). */
  queue: ResultRow[];
  line: number;
  /** End time of the queue's last row; +Infinity when the file ended before a timed row. */
  key: number;
  done: boolean;
}

/**
 * k-way merge of the folders' kept rows by end time; ties go to the earlier folder. A row without
 * a time (a skipped job) travels with the next timed row of its file, or, at the end of a file
 * (where budget stops put them), comes after every timed row.
 */
async function* interleave(dirs: readonly string[], keep: (row: ResultRow, dir: number, line: number) => boolean): AsyncGenerator<ResultRow> {
  const heads: Head[] = dirs.map((dir) => ({
    it: readJsonlRows(join(dir, REPORT_FILES.jsonl))[Symbol.asyncIterator](),
    queue: [],
    line: -1,
    key: Infinity,
    done: false,
  }));
  const fill = async (h: Head, d: number): Promise<void> => {
    while (!h.done) {
      const next = await h.it.next();
      if (next.done) {
        h.done = true;
        h.key = Infinity;
        return;
      }
      h.line++;
      if (!keep(next.value, d, h.line)) continue;
      h.queue.push(next.value);
      const t = endTime(next.value);
      if (t !== null) {
        h.key = t;
        return;
      }
    }
  };
  for (let d = 0; d < heads.length; d++) await fill(heads[d], d);
  for (;;) {
    let best = -1;
    for (let d = 0; d < heads.length; d++) {
      if (heads[d].queue.length > 0 && (best === -1 || heads[d].key < heads[best].key)) best = d;
    }
    if (best === -1) return;
    const h = heads[best];
    yield h.queue.shift()!;
    if (h.queue.length === 0) await fill(h, best);
  }
}

/** Earliest start and latest finish of the shards' summary.json, or {} when one lacks them. */
async function shardMeta(dirs: readonly string[]): Promise<Partial<SummaryMeta>> {
  let start = Infinity;
  let end = -Infinity;
  for (const dir of dirs) {
    let s: Partial<Summary>;
    try {
      s = JSON.parse(await readFile(join(dir, REPORT_FILES.summaryJson), 'utf8')) as Partial<Summary>;
    } catch {
      return {};
    }
    const a = typeof s.started_at === 'string' ? Date.parse(s.started_at) : NaN;
    const b = typeof s.finished_at === 'string' ? Date.parse(s.finished_at) : NaN;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return {};
    start = Math.min(start, a);
    end = Math.max(end, b);
  }
  return { startedAt: new Date(start).toISOString(), finishedAt: new Date(end).toISOString() };
}
