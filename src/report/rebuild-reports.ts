import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonlRows, type JsonlReadStats } from '../results/jsonl-sink.ts';
import { SummaryBuilder, type Summary, type SummaryInputRow, type SummaryMeta } from './summary.ts';
import { REPORT_FILES } from './report-files.ts';
import { finishRunFolder } from './reporters/finish-run-folder.ts';
import { folderFileReporters } from './reporters/folder-files.ts';
import type { Reporter } from './reporters/reporter.ts';

export interface RebuildOptions {
  /** Changes to the rebuilt summary before anything is written (merge: what it knows of the shards). */
  amend?: (summary: Summary) => void;
  /** Reporters before the folder's files, e.g. the gates of `report --min-pass-rate` (their sections go into summary.md). */
  reporters?: readonly Reporter[];
}

/**
 * Rebuild every report of a run folder from its results.jsonl alone (`report` command, after a
 * crash, or after merging shards into one JSONL). Meta not given is taken from the old
 * summary.json when there is one, else from the rows (suite of the first row, earliest send,
 * latest end).
 */
export async function rebuildReports(
  dir: string, meta: Partial<SummaryMeta> = {}, options: RebuildOptions = {},
): Promise<{ summary: Summary; stats: JsonlReadStats }> {
  const old = await readOldMeta(join(dir, REPORT_FILES.summaryJson));
  const rows = readJsonlRows(join(dir, REPORT_FILES.jsonl));
  const builder = new SummaryBuilder();
  let suite: string | undefined;
  let first = Infinity;
  let last = -Infinity;
  for await (const row of rows as AsyncIterable<SummaryInputRow>) {
    builder.add(row);
    suite ??= row.suite;
    const send = row.send_epoch_ms ?? (row.started_at ? Date.parse(row.started_at) : NaN);
    if (Number.isFinite(send)) {
      first = Math.min(first, send);
      last = Math.max(last, send + (row.latency_ms ?? 0), row.last_token_epoch_ms ?? -Infinity);
    }
  }
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '');
  const summary = builder.finish({
    suite: meta.suite ?? old.suite ?? suite ?? '',
    startedAt: meta.startedAt ?? old.startedAt ?? iso(first),
    finishedAt: meta.finishedAt ?? old.finishedAt ?? iso(last),
  });
  // A merged folder keeps what its merge said about the shards when its reports are rebuilt.
  if (old.shards) summary.shards = old.shards;
  options.amend?.(summary);
  await finishRunFolder(dir, summary, [...(options.reporters ?? []), ...folderFileReporters()]);
  return { summary, stats: rows.stats };
}

async function readOldMeta(path: string): Promise<Partial<SummaryMeta> & Pick<Summary, 'shards'>> {
  try {
    const s = JSON.parse(await readFile(path, 'utf8')) as Partial<Summary>;
    return {
      suite: typeof s.suite === 'string' ? s.suite : undefined,
      startedAt: typeof s.started_at === 'string' ? s.started_at : undefined,
      finishedAt: typeof s.finished_at === 'string' ? s.finished_at : undefined,
      shards: s.shards && typeof s.shards === 'object' ? s.shards : undefined,
    };
  } catch {
    return {}; // absent or unreadable: derive from the rows
  }
}
