import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCsvFromJsonl } from './csv-writer.ts';
import { readJsonlRows, type JsonlReadStats } from '../results/jsonl-sink.ts';
import { SummaryBuilder, writeSummaryJson, type Summary, type SummaryInputRow, type SummaryMeta } from './summary.ts';
import { renderSummaryMarkdown } from './summary-markdown.ts';
import { writeJunitXml } from './junit.ts';
import { writeSketchFile } from './sketch-file.ts';
import { configLabel } from '../grade/statistics/index.ts';

/** File names inside a run's --out directory (user-facing contract). */
export const REPORT_FILES = {
  jsonl: 'results.jsonl',
  csv: 'results.csv',
  summaryJson: 'summary.json',
  summaryMd: 'summary.md',
  junit: 'junit.xml',
} as const;

/**
 * Write the end-of-run files next to an already complete results.jsonl: results.csv (streamed
 * from the JSONL), summary.json, summary.md, junit.xml and sketches.json. Returns what the CSV pass read.
 */
export async function writeRunReports(dir: string, summary: Summary): Promise<JsonlReadStats> {
  const stats = await writeCsvFromJsonl(join(dir, REPORT_FILES.jsonl), join(dir, REPORT_FILES.csv));
  await writeSummaryJson(join(dir, REPORT_FILES.summaryJson), summary);
  await writeFile(join(dir, REPORT_FILES.summaryMd), renderSummaryMarkdown(summary), 'utf8');
  const passRates = new Map(summary.groups.map((g) => [configLabel(g.provider, g.model, g.reasoning_effort), g.grading]));
  await writeJunitXml(readJsonlRows(join(dir, REPORT_FILES.jsonl)), join(dir, REPORT_FILES.junit), { name: summary.suite, passRates });
  // For `merge --summaries-only`: percentiles that merge without re-reading the rows.
  await writeSketchFile(dir);
  return stats;
}

/**
 * Rebuild every report of a run folder from its results.jsonl alone (`report` command, after a
 * crash, or after merging shards into one JSONL). Meta not given is taken from the old
 * summary.json when there is one, else from the rows (suite of the first row, earliest send,
 * latest end).
 */
export async function rebuildReports(
  dir: string, meta: Partial<SummaryMeta> = {}, amend?: (summary: Summary) => void,
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
  amend?.(summary);
  const stats = await writeRunReports(dir, summary);
  return { summary, stats };
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
