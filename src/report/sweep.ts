import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../errors/index.ts';
import type { GoodputResult } from '../measure/goodput.ts';
import type { GroupSummary } from './summary.ts';
import { renderTextTable } from '../grade/statistics/text-table.ts';

/** What a sweep varies: the closed-loop concurrency or the open-loop rate (req/s). */
export const SWEEP_PARAMS = ['concurrency', 'rate'] as const;
export type SweepParam = (typeof SWEEP_PARAMS)[number];

export interface SweepSpec {
  param: SweepParam;
  /** In the order given (each level runs in turn). */
  levels: number[];
}

export const SWEEP_FILES = { csv: 'sweep.csv', json: 'sweep.json' } as const;

/** `concurrency=1,4,16,64` (whole numbers) or `rate=0.5,1,5,10` (req/s). */
export function parseSweep(text: string): SweepSpec {
  const m = /^\s*([a-z]+)\s*=\s*(.+)$/.exec(text);
  const bad = (why: string) => new InputError('BAD_SWEEP', `--sweep ${why}; expected e.g. concurrency=1,4,16,64 or rate=1,5,10,20`);
  if (!m) throw bad(`"${text}" is not param=level,level,...`);
  const param = m[1] as SweepParam;
  if (!SWEEP_PARAMS.includes(param)) throw bad(`cannot vary "${m[1]}" (only ${SWEEP_PARAMS.join(' or ')})`);
  const parts = m[2].split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw bad('has no levels');
  const levels = parts.map((p) => {
    const n = Number(p);
    if (!Number.isFinite(n) || n <= 0) throw bad(`level "${p}" is not a number above 0`);
    if (param === 'concurrency' && !Number.isInteger(n)) throw bad(`concurrency level "${p}" is not a whole number`);
    return n;
  });
  if (new Set(levels).size !== levels.length) throw bad('repeats a level');
  return { param, levels };
}

/** One line of sweep.csv / sweep.json: the whole run at one level. */
export interface SweepRow {
  param: SweepParam;
  level: number;
  /** Measured requests sent (ok + failed; skipped, warm-up and incomplete left out). */
  requests: number;
  ok: number;
  errors: number;
  /** Open loop: releases per second actually achieved (self-check); null in closed loop. */
  offered_rate: number | null;
  request_throughput: number | null;
  aggregate_output_tokens_per_s: number | null;
  ttft_p50_ms: number | null;
  ttft_p99_ms: number | null;
  tpot_p50_ms: number | null;
  tpot_p99_ms: number | null;
  latency_p50_ms: number | null;
  latency_p99_ms: number | null;
  /** errors / requests (incomplete rows left out); null when nothing was sent. */
  error_rate: number | null;
  /** Requests meeting every SLO, per second; null without --slo. */
  goodput: number | null;
  /** Share of requests meeting every SLO; null without --slo. */
  goodput_share: number | null;
}

export const SWEEP_COLUMNS = [
  'param', 'level', 'requests', 'ok', 'errors', 'offered_rate', 'request_throughput', 'aggregate_output_tokens_per_s',
  'ttft_p50_ms', 'ttft_p99_ms', 'tpot_p50_ms', 'tpot_p99_ms', 'latency_p50_ms', 'latency_p99_ms',
  'error_rate', 'goodput', 'goodput_share',
] as const satisfies readonly (keyof SweepRow)[];

/** What one level's run hands back to the sweep. */
export interface SweepLevelResult {
  /** The level's summary.json `overall` (warm-up rows must already be left out). */
  overall: GroupSummary;
  goodput?: GoodputResult | null;
  /** SelfCheckReport.offered_rate_per_s in open loop. */
  offeredRate?: number | null;
}

const r3 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000);

export function sweepRow(param: SweepParam, level: number, res: SweepLevelResult): SweepRow {
  const g = res.overall;
  const incompleteErrors = g.errors_by_type['incomplete'] ?? 0;
  const errors = g.counts.error - incompleteErrors;
  const requests = g.counts.ok + errors;
  const m = g.metrics;
  return {
    param, level, requests, ok: g.counts.ok, errors,
    offered_rate: r3(res.offeredRate),
    request_throughput: r3(g.throughput.request_throughput),
    aggregate_output_tokens_per_s: r3(g.throughput.aggregate_output_tokens_per_s),
    ttft_p50_ms: r3(m.ttft_ms.p50), ttft_p99_ms: r3(m.ttft_ms.p99),
    tpot_p50_ms: r3(m.tpot_ms.p50), tpot_p99_ms: r3(m.tpot_ms.p99),
    latency_p50_ms: r3(m.latency_ms.p50), latency_p99_ms: r3(m.latency_ms.p99),
    error_rate: requests > 0 ? r3(errors / requests) : null,
    goodput: r3(res.goodput?.rate_per_s),
    goodput_share: r3(res.goodput?.share),
  };
}

/** The level where latency takes off; see findSaturation. */
export interface Saturation {
  level: number;
  /** The level before it: the most load served without the take-off (null if it is the first). */
  knee: number | null;
  reason: string;
}

/** p50 latency at least this many times the lowest level's... */
export const SATURATION_LATENCY_FACTOR = 1.5;
/** ...while request throughput grew by less than this share over the previous level. */
export const SATURATION_MIN_GAIN = 0.1;

/**
 * Saturation: going up the levels (ascending), the first level whose p50 latency is at least
 * 1.5x the lowest level's while request throughput grew by less than 10% over the level before:
 * more offered load only bought queueing. A level where no request succeeded, after one where
 * some did, is saturated too. null when no level qualifies.
 */
export function findSaturation(rows: readonly SweepRow[]): Saturation | null {
  const sorted = [...rows].sort((a, b) => a.level - b.level);
  const baseIndex = sorted.findIndex((r) => r.latency_p50_ms !== null && r.latency_p50_ms > 0);
  if (baseIndex < 0) return null;
  const base = sorted[baseIndex];
  const name = (r: SweepRow) => `${r.param}=${r.level}`;
  for (let i = baseIndex + 1; i < sorted.length; i++) {
    const cur = sorted[i];
    const prev = sorted[i - 1];
    if (cur.latency_p50_ms === null) {
      if (cur.requests > 0) return { level: cur.level, knee: prev.level, reason: `no request succeeded at ${name(cur)}` };
      continue;
    }
    const ratio = cur.latency_p50_ms / base.latency_p50_ms!;
    if (ratio < SATURATION_LATENCY_FACTOR || prev.request_throughput === null || cur.request_throughput === null) continue;
    const gain = prev.request_throughput > 0 ? cur.request_throughput / prev.request_throughput - 1 : Infinity;
    if (gain < SATURATION_MIN_GAIN) {
      const pct = `${gain >= 0 ? '+' : ''}${(gain * 100).toFixed(0)}%`;
      return {
        level: cur.level,
        knee: prev.level,
        reason: `p50 latency ${ratio.toFixed(1)}x that of ${name(base)} while request throughput changed ${pct} over ${name(prev)}`,
      };
    }
  }
  return null;
}

export interface SweepResult {
  param: SweepParam;
  levels: number[];
  rows: SweepRow[];
  saturation: Saturation | null;
  /** The saturation rule, in words, for readers of sweep.json. */
  saturation_rule: string;
}

const RULE = `first level (ascending) with p50 latency >= ${SATURATION_LATENCY_FACTOR}x the lowest level's while request throughput grew < ${SATURATION_MIN_GAIN * 100}% over the previous level`;

/** Runs each level in turn (never in parallel: they would load the server together). Stops early on abort. */
export async function runSweep(
  spec: SweepSpec,
  runLevel: (level: number, index: number) => Promise<SweepLevelResult>,
  opts: { signal?: AbortSignal; onLevel?: (row: SweepRow) => void } = {},
): Promise<SweepResult> {
  const rows: SweepRow[] = [];
  for (const [i, level] of spec.levels.entries()) {
    if (opts.signal?.aborted) break;
    const row = sweepRow(spec.param, level, await runLevel(level, i));
    rows.push(row);
    opts.onLevel?.(row);
  }
  return buildSweepResult(spec.param, rows);
}

export function buildSweepResult(param: SweepParam, rows: SweepRow[]): SweepResult {
  return { param, levels: rows.map((r) => r.level), rows, saturation: findSaturation(rows), saturation_rule: RULE };
}

/** sweep.csv (SWEEP_COLUMNS, empty cells for null) and sweep.json, each written whole then renamed. */
export async function writeSweepFiles(dir: string, result: SweepResult): Promise<{ csv: string; json: string }> {
  await mkdir(dir, { recursive: true });
  const csv = path.join(dir, SWEEP_FILES.csv);
  const json = path.join(dir, SWEEP_FILES.json);
  const text = stringify(result.rows, { header: true, columns: [...SWEEP_COLUMNS] });
  await writeFile(`${csv}.tmp`, text, 'utf8');
  await rename(`${csv}.tmp`, csv);
  await writeFile(`${json}.tmp`, JSON.stringify(result, null, 2) + '\n', 'utf8');
  await rename(`${json}.tmp`, json);
  return { csv, json };
}

const fmt = (x: number | null, digits = 1) => (x === null ? '-' : x.toFixed(digits));

/** The sweep as a text table for stdout, the saturated level marked and named below. */
export function renderSweepTable(result: SweepResult): string {
  const open = result.param === 'rate';
  const headers = [
    result.param, ...(open ? ['offered/s'] : []), 'req/s', 'agg. out tok/s', 'TTFT p50', 'TTFT p99', 'TPOT p50',
    'lat p50', 'lat p99', 'errors', 'goodput/s', '',
  ];
  const rows = result.rows.map((r) => [
    String(r.level), ...(open ? [fmt(r.offered_rate, 2)] : []), fmt(r.request_throughput, 2), fmt(r.aggregate_output_tokens_per_s),
    fmt(r.ttft_p50_ms), fmt(r.ttft_p99_ms), fmt(r.tpot_p50_ms, 2), fmt(r.latency_p50_ms), fmt(r.latency_p99_ms),
    r.error_rate === null ? '-' : `${(r.error_rate * 100).toFixed(1)}%`, fmt(r.goodput, 2),
    result.saturation?.level === r.level ? '<- saturation' : '',
  ]);
  const align = headers.map((_, i) => (i === headers.length - 1 ? 'left' : 'right') as 'left' | 'right');
  const lines = [renderTextTable(headers, rows, align)];
  lines.push('');
  const s = result.saturation;
  lines.push(s
    ? `Saturation at ${result.param}=${s.level}: ${s.reason}.${s.knee !== null ? ` Highest level before it: ${result.param}=${s.knee}.` : ''}`
    : `No saturation found (rule: ${RULE}).`);
  lines.push('Latencies in ms; TTFT/TPOT/latency over successful requests.');
  return lines.join('\n');
}
