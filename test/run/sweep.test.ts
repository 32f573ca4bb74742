import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  SWEEP_COLUMNS, buildSweepResult, findSaturation, parseSweep, renderSweepTable, runSweep, sweepRow, writeSweepFiles,
  type SweepRow,
} from '../../src/report/sweep.ts';
import { summarizeRows, type SummaryInputRow } from '../../src/report/summary.ts';
import { GoodputCounter, parseSlo } from '../../src/measure/goodput.ts';

const T0 = 1_700_000_000_000;

/** A result row with only what the summary reads set. */
function row(i: number, over: Partial<SummaryInputRow> = {}): SummaryInputRow {
  return {
    job_id: `j${i}`, suite: 's', case_id: `c${i}`, provider: 'sim', model: 'fast', reasoning_effort: '', repeat: 1,
    status: 'ok', error_type: null, http_status: 200, attempts: 1, started_at: new Date(T0).toISOString(), queue_ms: 0,
    latency_ms: 100, ttfb_ms: 10, ttft_ms: 20, ttfa_ms: 20, itl_p50_ms: 5, itl_max_ms: 9, tpot_ms: 5, output_tps: 200,
    prompt_tokens: 10, completion_tokens: 17, reasoning_tokens: 0, cached_tokens: 0, total_tokens: 27,
    usage_source: 'reported', finish_reason: 'stop', cost_usd: null, passed: null, score: null, output: 'x',
    error_message: null, tags: [], reasoning: '', retry_wait_ms: 0, itl_samples: [], send_epoch_ms: T0, last_token_epoch_ms: T0 + 100,
    ...over,
  };
}

function sr(level: number, rps: number | null, p50: number | null, over: Partial<SweepRow> = {}): SweepRow {
  return {
    param: 'concurrency', level, requests: 100, ok: 100, errors: 0, offered_rate: null, request_throughput: rps,
    aggregate_output_tokens_per_s: rps === null ? null : rps * 50, ttft_p50_ms: 10, ttft_p99_ms: 20, tpot_p50_ms: 5, tpot_p99_ms: 6,
    latency_p50_ms: p50, latency_p99_ms: p50 === null ? null : p50 * 2, error_rate: 0, goodput: null, goodput_share: null, ...over,
  };
}

describe('parseSweep', () => {
  it('parses concurrency and rate levels', () => {
    expect(parseSweep('concurrency=1,4,16,64')).toEqual({ param: 'concurrency', levels: [1, 4, 16, 64] });
    expect(parseSweep('rate=0.5, 5,10')).toEqual({ param: 'rate', levels: [0.5, 5, 10] });
  });

  it('refuses bad sweeps with BAD_SWEEP', () => {
    for (const bad of ['concurrency', 'tokens=1,2', 'concurrency=1.5', 'rate=0,1', 'rate=1,1', 'rate=', 'rate=a']) {
      expect(() => parseSweep(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_SWEEP' }));
    }
  });
});

describe('sweepRow', () => {
  it('takes throughput, percentiles, error rate (incomplete left out) and goodput from a level summary', async () => {
    const rows = [
      ...Array.from({ length: 9 }, (_, i) => row(i, { latency_ms: 100 + i * 10, send_epoch_ms: T0 + i * 100, last_token_epoch_ms: T0 + i * 100 + 100 })),
      row(9, { status: 'error', error_type: 'server_error', latency_ms: 3, ttft_ms: null }),
      row(10, { status: 'error', error_type: 'incomplete', latency_ms: 50 }),
    ];
    const summary = await summarizeRows(rows, { suite: 's', startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0 + 1000).toISOString() });
    const good = new GoodputCounter(parseSlo('latency_ms=150'));
    for (const r of rows) good.add(r);
    const s = sweepRow('concurrency', 4, { overall: summary.overall, goodput: good.result(summary.overall.throughput.window_ms) });
    expect(s).toMatchObject({ param: 'concurrency', level: 4, requests: 10, ok: 9, errors: 1, error_rate: 0.1 });
    expect(s.request_throughput).toBeCloseTo(9 / 0.9, 3); // 9 ok in a 900 ms window
    expect(s.aggregate_output_tokens_per_s).toBeCloseTo((9 * 17) / 0.9, 3);
    expect(s.latency_p50_ms).toBe(140);
    expect(s.ttft_p50_ms).toBe(20);
    expect(s.goodput_share).toBeCloseTo(6 / 10, 3); // latencies 100..150 meet it; the error misses
    expect(s.goodput).toBeCloseTo(6 / 0.9, 2);
  });
});

describe('saturation', () => {
  it('names the first level where latency takes off while throughput stalls', () => {
    const rows = [sr(1, 10, 100), sr(4, 38, 105), sr(16, 120, 140), sr(64, 126, 480), sr(128, 127, 950)];
    const s = findSaturation(rows);
    expect(s).toMatchObject({ level: 64, knee: 16 });
    expect(s!.reason).toMatch(/4\.8x .*\+5% over concurrency=16/);
  });

  it('latency growth alone (throughput still rising) is not saturation; nor is a flat sweep', () => {
    expect(findSaturation([sr(1, 10, 100), sr(4, 30, 160), sr(16, 80, 250)])).toBeNull();
    expect(findSaturation([sr(1, 10, 100), sr(2, 10.5, 101)])).toBeNull();
  });

  it('a level where every request failed is saturated; order of input does not matter', () => {
    const s = findSaturation([sr(20, null, null, { ok: 0, errors: 50, requests: 50, error_rate: 1 }), sr(5, 5, 90), sr(10, 9.8, 95)]);
    expect(s).toMatchObject({ level: 20, knee: 10 });
  });
});

describe('sweep output', () => {
  it('runs levels in turn, writes sweep.csv / sweep.json with the named columns, and renders the table', async () => {
    const seen: number[] = [];
    const data: Record<number, [number, number]> = { 1: [10, 100], 4: [39, 104], 16: [41, 390] };
    const result = await runSweep(parseSweep('concurrency=1,4,16'), async (level) => {
      seen.push(level);
      const [rps, p50] = data[level];
      const rows = Array.from({ length: 5 }, (_, i) => row(i, {
        latency_ms: p50, send_epoch_ms: T0 + (i * 1000) / rps, last_token_epoch_ms: T0 + ((i + 1) * 1000) / rps,
      }));
      const summary = await summarizeRows(rows, { suite: 's', startedAt: new Date(T0).toISOString(), finishedAt: new Date(T0 + 1000).toISOString() });
      return { overall: summary.overall };
    });
    expect(seen).toEqual([1, 4, 16]);
    expect(result.saturation?.level).toBe(16);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-'));
    try {
      const files = await writeSweepFiles(dir, result);
      const csv = fs.readFileSync(files.csv, 'utf8').trim().split('\n');
      expect(csv[0].split(',')).toEqual([...SWEEP_COLUMNS]);
      for (const col of ['request_throughput', 'aggregate_output_tokens_per_s', 'ttft_p50_ms', 'ttft_p99_ms', 'tpot_p50_ms', 'latency_p50_ms', 'latency_p99_ms', 'error_rate', 'goodput']) {
        expect(SWEEP_COLUMNS).toContain(col);
      }
      expect(csv).toHaveLength(4);
      expect(csv[3].startsWith('concurrency,16,5,5,0,,')).toBe(true); // null offered_rate and goodput are empty cells
      const json = JSON.parse(fs.readFileSync(files.json, 'utf8'));
      expect(json.rows).toHaveLength(3);
      expect(json.saturation.level).toBe(16);
      expect(json.saturation_rule).toMatch(/1\.5x/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    const table = renderSweepTable(result);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^concurrency\s+req\/s\s+agg\. out tok\/s\s+TTFT p50\s+TTFT p99\s+TPOT p50\s+lat p50\s+lat p99\s+errors\s+goodput\/s/);
    expect(lines.find((l) => l.trimStart().startsWith('16 '))).toMatch(/<- saturation$/);
    expect(table).toMatch(/Saturation at concurrency=16: .*Highest level before it: concurrency=4\./);
  });

  it('says so when no level saturates, and shows offered rate in rate sweeps', () => {
    const result = buildSweepResult('rate', [sr(1, 1, 100, { param: 'rate', offered_rate: 0.98 }), sr(2, 2, 100, { param: 'rate', offered_rate: 2.01 })]);
    const table = renderSweepTable(result);
    expect(table).toMatch(/^rate\s+offered\/s\s+req\/s/);
    expect(table).toMatch(/No saturation found/);
  });
});
