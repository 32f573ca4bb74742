import { describe, expect, it } from 'vitest';
import { collectReportData } from '../../../src/report/html/report-data.ts';
import { EXACT_SAMPLE_CAP, SKETCH_RELATIVE_ERROR, summarizeDistribution, summarizeRows } from '../../../src/report/index.ts';
import type { ResultRow } from '../../../src/results/result-row.ts';
import { seededRandom } from '../../../src/grade/statistics/seeded-random.ts';
import { makeRow } from '../make-row.ts';

const META = { suite: 'big', startedAt: '2025-03-01T12:00:00.000Z', finishedAt: '2025-03-01T12:05:00.000Z' };

function* latencyRows(n: number, seed: number): Generator<ResultRow> {
  const rand = seededRandom(seed);
  for (let i = 0; i < n; i++) {
    const latency = Math.round((80 + 900 * rand() * rand()) * 1000) / 1000;
    yield makeRow({ job_id: `j${i}`, repeat: i + 1, latency_ms: latency, ttft_ms: latency / 4, ttfa_ms: latency / 3 });
  }
}

describe('collectReportData: bounded per configuration', () => {
  it(`charts past ${EXACT_SAMPLE_CAP} requests come from a sketch within its error, and no row is kept`, async () => {
    const n = EXACT_SAMPLE_CAP + 3_000;
    const summary = await summarizeRows(latencyRows(n, 1), META);
    expect(summary.quality).toBeUndefined();
    const data = await collectReportData(summary, latencyRows(n, 1), {}, false);
    expect(data.rows).toBe(n);
    expect(data.quality).toEqual([]);
    const [c] = data.configs;
    expect(c.latency.count).toBe(n);
    expect(c.latency.exact).toBe(false);
    const exact = summarizeDistribution([...latencyRows(n, 1)].map((r) => r.latency_ms));
    const p = c.latency.percentiles();
    for (const [q, k] of [[50, 'p50'], [90, 'p90'], [99, 'p99']] as const) {
      expect(Math.abs(p(q)! - exact[k]!)).toBeLessThanOrEqual(SKETCH_RELATIVE_ERROR * exact[k]!);
    }
  });

  it('keeps the quality fields of every row when asked to (no quality report given)', async () => {
    const summary = await summarizeRows(latencyRows(20, 2), META);
    const data = await collectReportData(summary, latencyRows(20, 2), {}, true);
    expect(data.quality).toHaveLength(20);
    expect(data.quality[0]).toMatchObject({ case_id: 'c1', provider: 'sim', model: 'fast', repeat: 1 });
  });
});
