import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fanOut, JsonlSink, rebuildReports, REPORT_FILES, SummaryBuilder, writeRunReports, type ReportSink } from '../../src/report/index.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { makeRow } from './make-row.ts';
import { fixtureRows, META } from './summary-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'evalbench-reports-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fanOut', () => {
  it('sends every row to every sink, synchronously when they all are', async () => {
    const seen: string[] = [];
    const a: ReportSink = { write: (r) => void seen.push(`a:${r.job_id}`), close: () => void seen.push('a:close') };
    const b: ReportSink = {
      write: async (r) => void seen.push(`b:${r.job_id}`),
      close: async () => void seen.push('b:close'),
    };
    const rows = fixtureRows();
    expect(fanOut([a]).write(rows[0])).toBeUndefined();
    const both = fanOut([a, b]);
    await both.write(rows[1]);
    await both.close();
    expect(seen).toEqual(['a:f1', 'a:f2', 'b:f2', 'a:close', 'b:close']);
  });
});

describe('writeRunReports / rebuildReports', () => {
  it('writes csv, summary.json and summary.md next to results.jsonl', async () => {
    const dir = mkdtempSync(join(root, 'run-'));
    const jsonl = JsonlSink.open(join(dir, REPORT_FILES.jsonl));
    const builder = new SummaryBuilder();
    const sink = fanOut([jsonl, builder]);
    for (const r of fixtureRows()) sink.write(r);
    sink.close();
    const summary = builder.finish(META);
    const stats = await writeRunReports(dir, summary);
    expect(stats.rows).toBe(7);
    expect(readFileSync(join(dir, REPORT_FILES.csv), 'utf8').split('\n')[0]).toMatch(/^job_id,suite,case_id,/);
    expect(JSON.parse(readFileSync(join(dir, REPORT_FILES.summaryJson), 'utf8'))).toEqual(summary);
    expect(readFileSync(join(dir, REPORT_FILES.summaryMd), 'utf8')).toContain('| sim:fast | default | 2/3 |');
  });

  it('rebuilds from results.jsonl alone, deriving meta from the rows', async () => {
    const dir = mkdtempSync(join(root, 'rebuild-'));
    const t0 = Date.parse('2025-03-01T12:00:00.000Z');
    const rows: ResultRow[] = [
      makeRow({ job_id: 'a', send_epoch_ms: t0 + 250, last_token_epoch_ms: t0 + 900, latency_ms: 700 }),
      makeRow({ job_id: 'b', send_epoch_ms: null, started_at: new Date(t0 + 100).toISOString(), latency_ms: 2000 }),
      makeRow({ job_id: 'c', status: 'error', error_type: 'timeout', send_epoch_ms: t0 + 50, latency_ms: 30 }),
    ];
    writeFileSync(join(dir, REPORT_FILES.jsonl), rows.map((r) => JSON.stringify(r)).join('\n') + '\n{"job_');
    const { summary, stats } = await rebuildReports(dir);
    expect(stats.tornLines).toBe(1);
    expect(summary.suite).toBe('demo');
    expect(summary.overall.counts.total).toBe(3);
    // Earliest send (the failed row counts here: the run had started), latest end = b's 100 + 2000.
    expect(summary.started_at).toBe('2025-03-01T12:00:00.050Z');
    expect(summary.finished_at).toBe('2025-03-01T12:00:02.100Z');
    for (const f of Object.values(REPORT_FILES)) expect(existsSync(join(dir, f))).toBe(true);
  });

  it('keeps the meta of an existing summary.json', async () => {
    const dir = mkdtempSync(join(root, 'keep-'));
    writeFileSync(join(dir, REPORT_FILES.jsonl), fixtureRows().map((r) => JSON.stringify(r) + '\n').join(''));
    writeFileSync(join(dir, REPORT_FILES.summaryJson), JSON.stringify({ suite: 'named', started_at: META.startedAt, finished_at: META.finishedAt }));
    const { summary } = await rebuildReports(dir);
    expect(summary).toMatchObject({ suite: 'named', started_at: META.startedAt, duration_ms: 5000 });
  });
});
