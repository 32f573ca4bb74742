import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EXACT_SAMPLE_CAP, JsonlSink, readJsonlRows, SKETCH_RELATIVE_ERROR, SummaryBuilder, summarizeDistribution, summarizeRows,
  writeSummaryJson, type DistributionSummary, type Summary,
} from '../../src/report/index.ts';
import { seededRandom } from '../../src/grade/statistics/seeded-random.ts';
import { makeRow } from './make-row.ts';
import { fixtureRows, META } from './summary-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'evalbench-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(): Summary {
  const b = new SummaryBuilder();
  for (const r of fixtureRows()) b.add(r);
  return b.finish(META);
}

describe('SummaryBuilder', () => {
  const s = build();
  const [fast, slow] = s.groups;

  it('groups by provider:model and effort, in a stable order', () => {
    expect(s.groups.map((g) => [g.model_ref, g.reasoning_effort])).toEqual([['sim:fast', ''], ['sim:slow', 'high']]);
    expect(s.overall.model_ref).toBe('*');
    expect(s).toMatchObject({ suite: 'demo', started_at: META.startedAt, finished_at: META.finishedAt, duration_ms: 5000 });
  });

  it('counts statuses, errors by type, attempts and retries', () => {
    expect(fast.counts).toEqual({ total: 3, ok: 2, error: 1, skipped: 0, cached: 0, incomplete: 0 });
    expect(fast.errors_by_type).toEqual({ timeout: 1 });
    expect(fast.attempts).toBe(6);
    expect(fast.retries).toBe(3);
    expect(fast.retry_wait_ms).toBe(1000);
    expect(slow.counts).toEqual({ total: 4, ok: 2, error: 1, skipped: 1, cached: 1, incomplete: 0 });
    expect(slow.errors_by_type).toEqual({ rate_limited: 1 });
    expect(slow.skipped_by_type).toEqual({ budget: 1 });
    expect(s.overall.counts).toEqual({ total: 7, ok: 4, error: 2, skipped: 1, cached: 1, incomplete: 0 });
    expect(s.overall.errors_by_type).toEqual({ rate_limited: 1, timeout: 1 });
    expect(s.overall.attempts).toBe(9);
  });

  it('keeps failed and cached rows out of timing distributions', () => {
    expect(fast.metrics.latency_ms).toMatchObject({ count: 2, min: 520, max: 820, p50: 670, mean: 670 });
    expect(fast.metrics.ttft_ms.p50).toBe(150);
    expect(fast.metrics.ttft_ms.max).toBe(200); // not the timeout's 5000
    expect(fast.metrics.ttfa_ms.p50).toBe(175);
    expect(fast.metrics.ttfb_ms.p90).toBeCloseTo(59, 9);
    expect(fast.metrics.queue_ms.mean).toBe(10);
    expect(fast.metrics.tpot_ms.std).toBeCloseTo(Math.SQRT2 * 5, 9);
    expect(slow.metrics.latency_ms).toMatchObject({ count: 1, p50: 1000 }); // not the cached 1 ms
    expect(s.overall.metrics.latency_ms).toMatchObject({ count: 3, min: 520, p50: 820, max: 1000 });
    expect(s.overall.metrics.output_tps.count).toBe(3);
  });

  it('counts coalesced ITL gaps apart from the pooled ITL, per group and run; zeros of older rows count as coalesced', () => {
    const b = new SummaryBuilder();
    b.add(makeRow({ job_id: 'a', itl_samples: [10, 20], itl_coalesced: 3 }));
    // A row written before the split: its coalesced gaps are zeros among the samples, no count.
    const old = makeRow({ job_id: 'b', itl_samples: [0, 30, 0] }) as Partial<ReturnType<typeof makeRow>>;
    delete old.itl_coalesced;
    b.add(old as ReturnType<typeof makeRow>);
    b.add(makeRow({ job_id: 'c', status: 'error', itl_samples: [], itl_coalesced: 7 })); // failed: not timed
    b.add(makeRow({ job_id: 'd', model: 'slow', itl_samples: [5], itl_coalesced: 0 }));
    const t = b.finish(META);
    expect(t.groups[0].metrics.itl_ms).toMatchObject({ count: 3, min: 10, max: 30 });
    expect(t.groups[0].itl_coalesced).toEqual({ gaps: 5, share: 5 / 8 });
    expect(t.groups[1].itl_coalesced).toEqual({ gaps: 0, share: 0 });
    expect(t.overall.itl_coalesced).toEqual({ gaps: 5, share: 5 / 9 });
    const none = new SummaryBuilder();
    none.add(makeRow({ itl_samples: [], itl_coalesced: 0 }));
    expect(none.finish(META).overall.itl_coalesced).toEqual({ gaps: 0, share: null });
  });

  it('pools ITL samples of measured successful rows', () => {
    expect(fast.metrics.itl_ms).toMatchObject({ count: 4, min: 5, max: 20, mean: 11.25 });
    expect(s.overall.metrics.itl_ms).toMatchObject({ count: 6, min: 5, max: 20 });
    expect(Math.abs(s.overall.metrics.itl_ms.p50! - 9) / 9).toBeLessThanOrEqual(s.itl_relative_error);
    expect(s.itl_relative_error).toBe(0.005);
  });

  it('computes the window and throughput from epoch marks of measured ok rows', () => {
    // fast: first send 1000 (the failed row's 500 does not count), last token 2000.
    expect(fast.throughput).toEqual({
      window_ms: 1000, request_throughput: 2, aggregate_output_tokens_per_s: 90, mean_concurrency: 1.34, window_estimated: false,
    });
    // run: 1000 .. 4000 (the cached row's 100..101 does not count).
    expect(s.overall.throughput.window_ms).toBe(3000);
    expect(s.overall.throughput.request_throughput).toBe(1);
    expect(s.overall.throughput.aggregate_output_tokens_per_s).toBeCloseTo(190 / 3, 12);
    expect(s.overall.throughput.mean_concurrency).toBeCloseTo(2340 / 3000, 12);
  });

  it('sums tokens and cost, counts estimated usage', () => {
    expect(fast.tokens).toEqual({ prompt: 22, completion: 90, reasoning: 8, cached: 4, total: 112, rows_with_usage: 2, estimated_rows: 1 });
    expect(fast.cost_usd).toBeCloseTo(0.003, 12);
    expect(slow.cost_usd).toBeNull();
    expect(s.overall.cost_usd).toBeCloseTo(0.003, 12);
    expect(s.overall.tokens.completion).toBe(290); // cached row's tokens are still tokens of the answers
    expect(s.overall.tokens.estimated_rows).toBe(1);
  });

  it('counts grading only where passed is set', () => {
    expect(fast.grading).toMatchObject({ graded: 2, passed: 1, pass_rate: 0.5, scored: 2, score_mean: 0.5 });
    expect(fast.grading.pass_rate_ci95!.low).toBeLessThan(0.5);
    expect(slow.grading).toMatchObject({ graded: 0, pass_rate: null, pass_rate_ci95: null });
    expect(s.overall.grading).toMatchObject({ graded: 2, passed: 1 });
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('falls back to started_at + latency when epoch marks are missing, and says so', () => {
    const b = new SummaryBuilder();
    const { send_epoch_ms: _a, last_token_epoch_ms: _b, ...old } = makeRow({ started_at: '2025-01-01T00:00:00.000Z', latency_ms: 400 });
    b.add(old);
    b.add(makeRow({ job_id: 'j2', started_at: '2025-01-01T00:00:01.000Z', latency_ms: 600, send_epoch_ms: null }));
    const t = b.finish(META).overall.throughput;
    expect(t.window_ms).toBe(1600);
    expect(t.request_throughput).toBeCloseTo(2 / 1.6, 12);
    expect(t.window_estimated).toBe(true);
  });

  it('gives null throughput and empty distributions when nothing succeeded', () => {
    const b = new SummaryBuilder();
    b.add(makeRow({ status: 'error', error_type: 'auth', http_status: 401 }));
    const o = b.finish(META).overall;
    expect(o.throughput).toMatchObject({ window_ms: null, request_throughput: null, mean_concurrency: null });
    expect(o.metrics.latency_ms).toMatchObject({ count: 0, p50: null });
    expect(o.errors_by_type).toEqual({ auth: 1 });
  });
});

describe('SummaryBuilder: memory that does not grow with the rows', () => {
  it(`percentiles past ${EXACT_SAMPLE_CAP} values stay within the documented error of exact ones`, () => {
    const rand = seededRandom(21);
    const b = new SummaryBuilder();
    const big: number[] = [];
    const small: number[] = [];
    for (let i = 0; i < EXACT_SAMPLE_CAP + 5_000; i++) {
      const latency = Math.round((40 + 2000 * rand() * rand()) * 1000) / 1000;
      big.push(latency);
      b.add(makeRow({ job_id: `f${i}`, latency_ms: latency }));
    }
    for (let i = 0; i < 300; i++) {
      const latency = Math.round((300 + 500 * rand()) * 1000) / 1000;
      small.push(latency);
      b.add(makeRow({ job_id: `s${i}`, model: 'slow', latency_ms: latency }));
    }
    const s = b.finish(META);
    expect(s.exact_percentiles_up_to).toBe(EXACT_SAMPLE_CAP);
    expect(s.percentile_relative_error).toBe(SKETCH_RELATIVE_ERROR);
    expect(s.percentile_relative_error).toBeLessThan(0.01);

    const within = (got: DistributionSummary, values: number[]) => {
      const exact = summarizeDistribution(values);
      expect(got.count).toBe(exact.count);
      expect(got.min).toBe(exact.min);
      expect(got.max).toBe(exact.max);
      expect(got.mean).toBeCloseTo(exact.mean!, 6);
      expect(got.std).toBeCloseTo(exact.std!, 6);
      for (const k of ['p50', 'p90', 'p95', 'p99'] as const) {
        expect(Math.abs(got[k]! - exact[k]!)).toBeLessThanOrEqual(s.percentile_relative_error * exact[k]!);
      }
    };
    const [fast, slow] = s.groups;
    expect(fast.metrics.latency_ms.count).toBeGreaterThan(s.exact_percentiles_up_to);
    within(fast.metrics.latency_ms, big);
    within(s.overall.metrics.latency_ms, [...big, ...small]);
    // A group under the cap is exact to the last bit.
    expect(slow.metrics.latency_ms).toEqual(summarizeDistribution(small));
  });

  it('keeps nothing per row for quality statistics when a run has none', () => {
    const rows = Array.from({ length: 50 }, (_, i) => makeRow({ job_id: `r${i}`, reasoning_effort: 'high' }));
    // Rebuilding from rows: an explicit effort may meet a second one later, so rows are kept...
    const fromRows = new SummaryBuilder();
    // ...a run that knows its plan (one effort, nothing graded) keeps none.
    const planned = new SummaryBuilder({ quality: false });
    const defaultEffort = new SummaryBuilder();
    for (const r of rows) {
      fromRows.add(r);
      planned.add(r);
      defaultEffort.add({ ...r, reasoning_effort: '' });
    }
    expect(fromRows.retainedQualityRows).toBe(50);
    expect(planned.retainedQualityRows).toBe(0);
    expect(defaultEffort.retainedQualityRows).toBe(0);
    // The same summary either way.
    expect(planned.finish(META)).toEqual(fromRows.finish(META));
  });
});

describe('summarizeRows / writeSummaryJson', () => {
  it('rebuilds the same summary from a results.jsonl file', async () => {
    const path = join(dir, 'results.jsonl');
    const sink = JsonlSink.open(path);
    for (const r of fixtureRows()) sink.write(r);
    sink.close();
    const fromFile = await summarizeRows(readJsonlRows(path), META);
    expect(fromFile).toEqual(build());
    expect(await summarizeRows(fixtureRows(), META)).toEqual(build());
  });

  it('writes summary.json that parses back to the summary', async () => {
    const path = join(dir, 'summary.json');
    const s = build();
    await writeSummaryJson(path, s);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(s);
  });
});
