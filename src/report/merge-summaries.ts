import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors/input-error.ts';
import { readRunRecord } from './run-record.ts';
import { MergeableDistribution, MERGE_SKETCH_RELATIVE_ERROR } from './mergeable-distribution.ts';
import { REPORT_FILES } from './report-files.ts';
import { checkShardSet, clockSpread, wholeRunCostBudget, type ShardSetSummary } from './shard-set.ts';
import { readSketchFile, SKETCH_FILE, type SketchMetric, type StoredGroupSketch } from './sketch-file.ts';
import { finishRunFolder } from './reporters/finish-run-folder.ts';
import { summaryReporter } from './reporters/folder-files.ts';
import { SUMMARY_METRICS, type GroupSummary, type MetricDistributions, type Summary } from './summary.ts';

const ALL_METRICS = [...SUMMARY_METRICS, 'itl_ms'] as const;

/** One model x effort being combined across shards. */
interface Part {
  summary: GroupSummary;
  sketch: StoredGroupSketch | undefined;
}

/**
 * `merge --summaries-only`: one summary from the shards' summary.json and sketches.json, without
 * reading a row (runs too big to re-read). Counts, tokens, cost, grading and the union throughput
 * window are exact; percentiles are exact while a distribution has at most MERGE_EXACT_CAP
 * values, else within MERGE_SKETCH_RELATIVE_ERROR (DDSketch). Not merged: the paired quality
 * statistics (they need the rows). Writes summary.json and summary.md to outDir.
 * Throws like mergeRunDirs, plus MERGE_NO_SKETCH (a folder without summary.json or sketches.json)
 * and MERGE_DUPLICATE_SHARD (a shard given twice: summaries cannot be deduplicated by job).
 */
export async function mergeSummaryDirs(dirs: readonly string[], outDir: string, options: { allowPartial?: boolean } = {}): Promise<Summary> {
  if (dirs.length === 0) throw new InputError('MERGE_NO_INPUT', 'merge needs at least one run folder');
  for (const dir of dirs) {
    if (!existsSync(join(dir, REPORT_FILES.summaryJson)) || !existsSync(join(dir, SKETCH_FILE))) {
      throw new InputError('MERGE_NO_SKETCH', `\`${dir}\` has no ${REPORT_FILES.summaryJson} and ${SKETCH_FILE}: run \`evalbench report ${dir}\` to write them, or merge without --summaries-only`);
    }
  }
  const records = await Promise.all(dirs.map(async (dir) => ({ dir, record: await readRunRecord(dir) })));
  const set = checkShardSet(records, options);
  if (set && set.duplicated.length > 0) {
    throw new InputError('MERGE_DUPLICATE_SHARD', `shard ${set.duplicated.map((i) => `${i}/${set.of}`).join(', ')} given twice: summaries cannot be deduplicated job by job; give each shard once, or merge without --summaries-only`);
  }
  const summaries = await Promise.all(dirs.map(async (d) => JSON.parse(await readFile(join(d, REPORT_FILES.summaryJson), 'utf8')) as Summary));
  const suites = new Set(summaries.map((s) => s.suite));
  if (suites.size > 1) throw new InputError('MERGE_SUITE_MISMATCH', `these folders hold different suites (${[...suites].join(', ')}): merge joins the shards of one run`);

  const parts = new Map<string, Part[]>();
  for (let i = 0; i < dirs.length; i++) {
    const sketch = (await readSketchFile(dirs[i]))!;
    for (const g of summaries[i].groups) {
      const key = `${g.provider}\u0000${g.model}\u0000${g.reasoning_effort}`;
      const found = sketch.groups.find((s) => `${s.provider}\u0000${s.model}\u0000${s.reasoning_effort}` === key);
      parts.set(key, [...(parts.get(key) ?? []), { summary: g, sketch: found }]);
    }
  }
  const groups = [...parts.values()].map((p) => combineGroups(p, p[0].summary));
  const overallTemplate = { ...groups[0], model_ref: '*', provider: '*', model: '*', reasoning_effort: '*' };
  const overall = combineGroups([...parts.values()].flat(), overallTemplate);
  const starts = summaries.map((s) => Date.parse(s.started_at)).filter(Number.isFinite);
  const ends = summaries.map((s) => Date.parse(s.finished_at)).filter(Number.isFinite);
  const startedAt = starts.length ? new Date(Math.min(...starts)).toISOString() : '';
  const finishedAt = ends.length ? new Date(Math.max(...ends)).toISOString() : '';
  const summary: Summary = {
    summary_version: 1, suite: [...suites][0], started_at: startedAt, finished_at: finishedAt,
    duration_ms: starts.length && ends.length ? Math.max(...ends) - Math.min(...starts) : null,
    itl_relative_error: MERGE_SKETCH_RELATIVE_ERROR,
    exact_percentiles_up_to: 2_000,
    percentile_relative_error: MERGE_SKETCH_RELATIVE_ERROR,
    groups, overall,
    warmup_rows: summaries.reduce((a, s) => a + (s.warmup_rows ?? 0), 0),
  };
  if (set) {
    const budget = wholeRunCostBudget(records.map((r) => r.record));
    const shards: ShardSetSummary = {
      ...set,
      budget: budget === null ? null : { max_cost_usd: budget, spent_usd: overall.cost_usd },
      clock: clockSpread(records.map((r) => r.record)),
    };
    summary.shards = shards;
  }
  await mkdir(outDir, { recursive: true });
  // Without rows there is nothing for csv, junit or html: only the summary files.
  await finishRunFolder(outDir, summary, [summaryReporter()]);
  return summary;
}

const add = (a: number | null, b: number | null) => (b === null ? a : (a ?? 0) + b);

function addRecord(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Sums the parts' scalars, merges their sketches, recomputes rates over the union window. */
function combineGroups(parts: Part[], template: GroupSummary): GroupSummary {
  const out: GroupSummary = structuredClone({ ...template, errors_by_type: {}, skipped_by_type: {} });
  const c = out.counts;
  for (const k of Object.keys(c) as (keyof typeof c)[]) c[k] = 0;
  out.attempts = out.retries = out.retry_wait_ms = 0;
  out.cost_usd = null;
  const t = out.tokens;
  t.prompt = t.completion = t.reasoning = t.cached = t.total = null;
  t.rows_with_usage = t.estimated_rows = 0;
  let graded = 0, passed = 0, scored = 0, scoreSum = 0, completion = 0, latencySum = 0;
  let errorsAsFailures = 0, skippedAsFailures = 0;
  let start = Infinity, end = -Infinity;
  const dists = Object.fromEntries(ALL_METRICS.map((m) => [m, new MergeableDistribution()])) as Record<SketchMetric, MergeableDistribution>;
  for (const { summary: g, sketch } of parts) {
    for (const k of Object.keys(c) as (keyof typeof c)[]) c[k] += g.counts[k];
    addRecord(out.errors_by_type, g.errors_by_type);
    addRecord(out.skipped_by_type, g.skipped_by_type);
    out.attempts += g.attempts;
    out.retries += g.retries;
    out.retry_wait_ms += g.retry_wait_ms;
    out.cost_usd = add(out.cost_usd, g.cost_usd);
    for (const k of ['prompt', 'completion', 'reasoning', 'cached', 'total'] as const) t[k] = add(t[k], g.tokens[k]);
    t.rows_with_usage += g.tokens.rows_with_usage;
    t.estimated_rows += g.tokens.estimated_rows;
    graded += g.grading.graded;
    passed += g.grading.passed;
    errorsAsFailures += g.grading.errors_as_failures ?? 0;
    skippedAsFailures += g.grading.skipped_as_failures ?? 0;
    scored += g.grading.scored;
    scoreSum += (g.grading.score_mean ?? 0) * g.grading.scored;
    // The shard's window sums, recovered from its rates (rate x window).
    const w = g.throughput.window_ms;
    if (w !== null) {
      completion += ((g.throughput.aggregate_output_tokens_per_s ?? 0) * w) / 1000;
      latencySum += (g.throughput.mean_concurrency ?? 0) * w;
    }
    out.throughput.window_estimated ||= g.throughput.window_estimated;
    if (sketch) {
      for (const m of ALL_METRICS) dists[m].merge(MergeableDistribution.fromJSON(sketch.metrics[m]));
      if (sketch.window_start !== null) start = Math.min(start, sketch.window_start);
      if (sketch.window_end !== null) end = Math.max(end, sketch.window_end);
    }
  }
  out.metrics = Object.fromEntries(ALL_METRICS.map((m) => [m, dists[m].summarize()])) as unknown as MetricDistributions;
  // Without the rows, neither the number of distinct cases (a case's repeats may sit in several
  // shards) nor an interval that respects repeats can be rebuilt: they are left out (null).
  out.grading = {
    graded, cases: null, passed, errors_as_failures: errorsAsFailures, skipped_as_failures: skippedAsFailures,
    pass_rate: graded > 0 ? passed / graded : null, pass_rate_ci95: null,
    pass_rate_stderr: null, scored, score_mean: scored > 0 ? scoreSum / scored : null, score_ci95: null,
  };
  const window = end > start ? end - start : null;
  const measured = c.ok - c.cached;
  out.throughput = {
    window_ms: window,
    request_throughput: window === null ? null : measured / (window / 1000),
    aggregate_output_tokens_per_s: window === null ? null : completion / (window / 1000),
    mean_concurrency: window === null ? null : latencySum / window,
    window_estimated: out.throughput.window_estimated,
  };
  return out;
}
