import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonlRows } from '../results/jsonl-sink.ts';
import { MergeableDistribution, MERGE_SKETCH_RELATIVE_ERROR, type StoredDistribution } from './mergeable-distribution.ts';
import { rowWindow, SUMMARY_METRICS, type SummaryInputRow } from './summary.ts';

/** Next to summary.json: what `merge --summaries-only` needs that a summary cannot be merged from. */
export const SKETCH_FILE = 'sketches.json';

export type SketchMetric = (typeof SUMMARY_METRICS)[number] | 'itl_ms';

export interface StoredGroupSketch {
  provider: string;
  model: string;
  reasoning_effort: string;
  /** Measured window of the group's rows (epoch ms; null when none had times). */
  window_start: number | null;
  window_end: number | null;
  metrics: Record<SketchMetric, StoredDistribution>;
}

export interface SketchFile {
  sketch_version: 1;
  relative_error: number;
  groups: StoredGroupSketch[];
}

/**
 * Writes sketches.json from a run folder's results.jsonl (one streaming pass): per model x effort,
 * a mergeable distribution of every summary metric over the rows the summary measures (ok, not
 * cached, not warm-up) and the measured window. Memory: bounded per group, never per row.
 */
export async function writeSketchFile(dir: string): Promise<void> {
  const groups = new Map<string, { g: StoredGroupSketch; d: Record<SketchMetric, MergeableDistribution> }>();
  for await (const row of readJsonlRows(join(dir, 'results.jsonl')) as AsyncIterable<SummaryInputRow>) {
    if (row.warmup || row.status !== 'ok' || row.cached) continue;
    const effort = row.reasoning_effort ?? '';
    const key = `${row.provider}\u0000${row.model}\u0000${effort}`;
    let e = groups.get(key);
    if (!e) {
      const d = {} as Record<SketchMetric, MergeableDistribution>;
      for (const m of [...SUMMARY_METRICS, 'itl_ms'] as const) d[m] = new MergeableDistribution();
      e = { g: { provider: row.provider, model: row.model, reasoning_effort: effort, window_start: null, window_end: null, metrics: {} as StoredGroupSketch['metrics'] }, d };
      groups.set(key, e);
    }
    for (const m of SUMMARY_METRICS) e.d[m].push(row[m]);
    if (Array.isArray(row.itl_samples)) for (const v of row.itl_samples) e.d.itl_ms.push(v);
    const { send, last } = rowWindow(row);
    if (send !== null && last !== null) {
      e.g.window_start = Math.min(e.g.window_start ?? Infinity, send);
      e.g.window_end = Math.max(e.g.window_end ?? -Infinity, last);
    }
  }
  const file: SketchFile = {
    sketch_version: 1,
    relative_error: MERGE_SKETCH_RELATIVE_ERROR,
    groups: [...groups.values()].map(({ g, d }) => {
      for (const m of Object.keys(d) as SketchMetric[]) g.metrics[m] = d[m].toJSON();
      return g;
    }),
  };
  const path = join(dir, SKETCH_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(file) + '\n', 'utf8');
  await rename(`${path}.tmp`, path);
}

/** A folder's sketches.json, or null when it has none. */
export async function readSketchFile(dir: string): Promise<SketchFile | null> {
  try {
    const f = JSON.parse(await readFile(join(dir, SKETCH_FILE), 'utf8')) as SketchFile;
    return f.sketch_version === 1 && Array.isArray(f.groups) ? f : null;
  } catch {
    return null;
  }
}
