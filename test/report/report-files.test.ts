import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  failureDigestReporter, finishRunFolder, folderFileReporters, gatesReporter, jsonlReporter, rebuildReports, renderGatesTable,
  renderSummaryMarkdown, REPORT_FILES, resolveGates, summarizeRows, SummaryBuilder, type Reporter,
} from '../../src/report/index.ts';
import { renderFailureDigestMarkdown } from '../../src/report/failure-digest-render.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { makeRow } from './make-row.ts';
import { fixtureRows, META } from './summary-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'evalbench-reports-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('finishRunFolder', () => {
  it('asks every reporter for its summary.md section before any onFinished, then finishes them in list order', async () => {
    const seen: string[] = [];
    const reporter = (name: string, section?: string): Reporter => ({
      summarySection: () => {
        seen.push(`${name}:section`);
        return section;
      },
      onFinished: async (_summary, dir, { markdownSections }) => {
        await new Promise((r) => setTimeout(r, 5)); // an async reporter is awaited before the next
        seen.push(`${name}:finished ${dir} [${markdownSections.join('|')}]`);
      },
    });
    const summary = new SummaryBuilder().finish(META);
    await finishRunFolder('d', summary, [reporter('a', 'A'), reporter('b'), reporter('c', 'C')]);
    expect(seen).toEqual(['a:section', 'b:section', 'c:section', 'a:finished d [A|C]', 'b:finished d [A|C]', 'c:finished d [A|C]']);
  });
});

describe('folder reporters / rebuildReports', () => {
  it('writes csv, summary.json, summary.md, junit.xml and report.html next to results.jsonl', async () => {
    const dir = mkdtempSync(join(root, 'run-'));
    const jsonl = jsonlReporter(join(dir, REPORT_FILES.jsonl));
    const builder = new SummaryBuilder();
    jsonl.onPlan?.({ suite: {} as never, total: 7, outDir: dir });
    for (const r of fixtureRows()) {
      jsonl.onRow?.(r, 'run');
      builder.add(r);
    }
    jsonl.onRow?.(makeRow({ job_id: 'kept-by-resume' }), 'kept'); // already in the file: not written again
    jsonl.onRunEnd?.();
    const summary = builder.finish(META);
    await finishRunFolder(dir, summary, folderFileReporters());
    expect(readFileSync(join(dir, REPORT_FILES.jsonl), 'utf8').trimEnd().split('\n')).toHaveLength(7);
    expect(readFileSync(join(dir, REPORT_FILES.csv), 'utf8').trimEnd().split('\n')).toHaveLength(8);
    expect(readFileSync(join(dir, REPORT_FILES.csv), 'utf8').split('\n')[0]).toMatch(/^job_id,suite,case_id,/);
    expect(JSON.parse(readFileSync(join(dir, REPORT_FILES.summaryJson), 'utf8'))).toEqual(summary);
    expect(readFileSync(join(dir, REPORT_FILES.summaryMd), 'utf8')).toContain('| sim:fast | default | 2/3 |');
    for (const f of Object.values(REPORT_FILES)) expect(existsSync(join(dir, f))).toBe(true);
  });

  it('puts the gate table and the failure digest into summary.md in one write, in list order', async () => {
    const dir = mkdtempSync(join(root, 'sections-'));
    writeFileSync(join(dir, REPORT_FILES.jsonl), fixtureRows().map((r) => JSON.stringify(r) + '\n').join(''));
    const digest = failureDigestReporter({});
    for (const r of fixtureRows()) digest.onRow?.(r, 'run');
    const gates = gatesReporter({ config: resolveGates(null, { min_pass_rate: 0.99 }) });
    const summary = await summarizeRows(fixtureRows(), META);
    await finishRunFolder(dir, summary, [gates, digest, ...folderFileReporters()]);
    expect(gates.results.some((g) => !g.pass)).toBe(true);
    expect(digest.failures.length).toBeGreaterThan(0);
    const md = readFileSync(join(dir, REPORT_FILES.summaryMd), 'utf8');
    expect(md).toBe(
      renderSummaryMarkdown(summary) + '\n' + renderGatesTable(gates.results, 'markdown') + '\n' + renderFailureDigestMarkdown(digest.failures),
    );
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
