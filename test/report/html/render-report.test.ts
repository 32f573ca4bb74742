import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport, writeHtmlReport, type SweepLevel } from '../../../src/report/html/index.ts';
import { JsonlSink } from '../../../src/results/jsonl-sink.ts';
import { summarizeRows, writeSummaryJson } from '../../../src/report/summary.ts';
import type { ResultRow } from '../../../src/results/result-row.ts';
import { buildSweepResult, writeSweepFiles, type SweepRow } from '../../../src/report/sweep.ts';
import { makeRow } from '../make-row.ts';
import { checkNesting, externalReferences } from './html-check.ts';
import { SYNTHETIC_CONFIGS, syntheticRows } from './synthetic-run.ts';

const META = { suite: 'synthetic', startedAt: '2025-03-01T12:00:00.000Z', finishedAt: '2025-03-01T12:05:00.000Z' };
const SWEEP: SweepLevel[] = [
  { level: 'concurrency 1', request_throughput: 2, p50_latency_ms: 300, p99_latency_ms: 420, aggregate_output_tokens_per_s: 200 },
  { level: 'concurrency 8', request_throughput: 14, p50_latency_ms: 380, p99_latency_ms: 700, aggregate_output_tokens_per_s: 1400 },
  { level: 'concurrency 32', request_throughput: 16, p50_latency_ms: 1900, p99_latency_ms: 4100, aggregate_output_tokens_per_s: 1600 },
];

async function render(rows: ResultRow[], extra: { sweep?: SweepLevel[]; cases?: object } = {}): Promise<string> {
  const summary = await summarizeRows(rows, META);
  return renderHtmlReport({ summary, rows, ...extra });
}

/** The <figure data-chart=id> element of a chart. */
function chart(html: string, id: string): string | null {
  const m = html.match(new RegExp(`<figure class="chart" data-chart="${id}">[\\s\\S]*?</figure>`));
  return m ? m[0] : null;
}

function caseRows(html: string): string[] {
  return html.match(/<div class="row" role="row" data-s="[a-z]+">/g) ?? [];
}

const ALL_CHARTS = [
  'ttft-cdf', 'ttfa-cdf', 'itl-cdf', 'latency-cdf', 'tokens-bar', 'cost-bar', 'quality-latency', 'quality-cost',
  'effort-pass-rate', 'effort-latency', 'effort-reasoning-tokens', 'sweep-latency',
];

describe('renderHtmlReport: a graded, costed run with an effort sweep', () => {
  let html = '';
  beforeAll(async () => {
    const rows = [...syntheticRows(500)];
    rows[3] = { ...rows[3], output: '<script>alert(1)</script><img src="http://evil.example/x.png">' };
    html = await render(rows, { sweep: SWEEP });
  });

  it('is well-nested HTML with a doctype, a title and a CSP that blocks every load', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const tags = checkNesting(html);
    expect(tags.get('html')).toBe(1);
    expect(html).toContain('<title>evalbench report: synthetic</title>');
    expect(html).toMatch(/http-equiv="Content-Security-Policy" content="default-src 'none';/);
  });

  it('references nothing outside the file', () => {
    expect(externalReferences(html)).toEqual([]);
    expect(html).not.toMatch(/<script[^>]*\ssrc=/);
  });

  it('has every chart, each with an inline SVG that draws something', () => {
    for (const id of ALL_CHARTS) {
      const c = chart(html, id);
      expect(c, id).not.toBeNull();
      expect(c, id).toMatch(/<svg viewBox=/);
      expect(c, id).toMatch(/<(polyline|circle|rect) class="(series|point|point front|bar)"/);
    }
  });

  it('draws one CDF curve per configuration, each at most 200 points', () => {
    const ttft = chart(html, 'ttft-cdf')!;
    const lines = [...ttft.matchAll(/<polyline[^>]* points="([^"]*)"/g)];
    expect(lines).toHaveLength(SYNTHETIC_CONFIGS.length);
    for (const l of lines) expect(l[1].split(' ').length).toBeLessThanOrEqual(200);
  });

  it('rings at least one Pareto point and draws the front in both quality scatters', () => {
    for (const id of ['quality-latency', 'quality-cost']) {
      const c = chart(html, id)!;
      expect(c.match(/<circle class="point[^"]*"/g)).toHaveLength(SYNTHETIC_CONFIGS.length);
      expect((c.match(/class="point front"/g) ?? []).length).toBeGreaterThan(0);
    }
  });

  it('shows one effort line, for the only model run at several efforts', () => {
    const c = chart(html, 'effort-latency')!;
    expect(c.match(/<polyline/g)).toHaveLength(1);
    expect(c).toContain('sim:think');
    expect(c).not.toContain('sim:fast');
  });

  it('has the summary table (one row per configuration plus the run) and every case row', () => {
    const summary = html.match(/<table class="summary">[\s\S]*?<\/table>/)![0];
    expect(summary.match(/<tr/g)).toHaveLength(1 + SYNTHETIC_CONFIGS.length + 1);
    expect(caseRows(html)).toHaveLength(500);
    expect(html).toContain('id="case-filter"');
    expect(html).not.toContain('rows shown (failures and errors first)');
  });

  it('escapes model output', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=&quot;http://evil.example/x.png&quot;&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<script>/g)).toHaveLength(1); // the filter only
  });
});

describe('renderHtmlReport: what is left out', () => {
  it('an ungraded, uncosted single-effort run has no quality, cost, effort or sweep charts', async () => {
    const rows = [...syntheticRows(60, { graded: false })]
      .filter((r) => r.model === 'fast')
      .map((r) => ({ ...r, cost_usd: null }));
    const html = await render(rows);
    checkNesting(html);
    for (const id of ['ttft-cdf', 'ttfa-cdf', 'itl-cdf', 'latency-cdf', 'tokens-bar']) expect(chart(html, id), id).not.toBeNull();
    for (const id of ['cost-bar', 'quality-latency', 'quality-cost', 'effort-pass-rate', 'effort-latency', 'sweep-latency']) {
      expect(chart(html, id), id).toBeNull();
    }
    expect(html).not.toContain('id="quality"');
  });

  it('a run where every request failed still renders, with empty charts saying so', async () => {
    const rows = [1, 2, 3].map((i) => makeRow({
      job_id: `e${i}`, status: 'error', error_type: 'server_error', http_status: 503, latency_ms: 5, ttft_ms: null,
      ttfa_ms: null, prompt_tokens: null, completion_tokens: null, total_tokens: null, usage_source: null,
      reasoning_tokens: null, cached_tokens: null, error_message: 'Service <Unavailable>',
    }));
    const html = await render(rows);
    checkNesting(html);
    expect(chart(html, 'ttft-cdf')).toContain('no data');
    expect(caseRows(html)).toHaveLength(3);
    expect(html).toContain('server_error: Service &lt;Unavailable&gt;');
  });
});

describe('renderHtmlReport: bounded case table', () => {
  it('keeps failures and errors first when rows exceed the cap, and says how many were left out', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => makeRow({
      job_id: `j${i}`, case_id: `k${i}`, passed: i >= 250 ? false : true, reasons: i >= 250 ? ['nope'] : [],
    }));
    const html = await render(rows, { cases: { maxRows: 80 } });
    const shown = caseRows(html);
    expect(shown).toHaveLength(80);
    expect(shown.filter((r) => r.includes('"fail"'))).toHaveLength(50);
    expect(html).toContain('80 of 300 rows shown');
    expect(html).toContain('220 left out');
    // Failures first, each part in run order: the first shown is row 251 (the first failure), then row 1 after the last failure.
    expect(html).toMatch(/<\/div><\/div><div class="row" role="row" data-s="fail"><div role="cell" class="num">251<\/div>/);
    expect(shown.findIndex((r) => r.includes('"pass"'))).toBe(50);
    // Every header is a native button (keyboard: Tab, Enter, Space) in a columnheader with aria-sort.
    const heads = [...html.matchAll(/<div role="columnheader" data-col="(\d+)" aria-sort="none"><button type="button" title="sort by [^"]*">([^<]*)<\/button><\/div>/g)];
    expect(heads.map((m) => Number(m[1]))).toEqual([...Array(12).keys()]);
    expect(heads[6][2]).toBe('Latency ms');
    // The Result cell carries its severity rank, so sorting by Result puts errors, then failures, first.
    expect(html).toMatch(/<div role="cell" data-k="1"><span class="badge fail">fail<\/span>/);
  });

  it('cuts long outputs and notes the full length', async () => {
    const long = 'x'.repeat(1000);
    const html = await render([makeRow({ output: long })]);
    expect(html).toContain(`${'x'.repeat(300)}<span class="more">… (+700 chars)</span>`);
    expect(html).not.toContain('x'.repeat(301));
  });

  it('stops at the byte budget', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => makeRow({ job_id: `b${i}`, output: '&'.repeat(300) }));
    const html = await render(rows, { cases: { byteBudget: 20_000 } });
    const n = caseRows(html).length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(50);
    expect(html).toContain(`${n} of 50 rows shown`);
  });

  it('reads rows from an async iterable', async () => {
    const rows = [...syntheticRows(20)];
    const summary = await summarizeRows(rows, META);
    async function* gen() {
      for (const r of rows) yield r;
    }
    const html = await renderHtmlReport({ summary, rows: gen() });
    expect(caseRows(html)).toHaveLength(20);
  });
});

describe('report size', () => {
  it('a 10,000-job run stays under 5 MB, even with long outputs that escape to several bytes', async () => {
    const rows = [...syntheticRows(10_000, { outputChars: 3000 })];
    // Worst case for escaping: every character becomes an entity.
    for (let i = 0; i < rows.length; i += 2) rows[i] = { ...rows[i], output: '<&>'.repeat(1000), reasons: ['"'.repeat(2000)] };
    const started = performance.now();
    const html = await render(rows, { sweep: SWEEP });
    const ms = performance.now() - started;
    const bytes = Buffer.byteLength(html, 'utf8');
    console.log(`report.html for 10,000 rows: ${(bytes / 1e6).toFixed(2)} MB, rendered in ${ms.toFixed(0)} ms`);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
    expect(caseRows(html).length).toBeGreaterThan(0);
    expect(html).toContain('of 10,000 rows shown');
  }, 90_000);
});

describe('writeHtmlReport', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function runFolder(rows: ResultRow[], withSummary: boolean): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'evalbench-html-'));
    dirs.push(dir);
    const sink = JsonlSink.open(join(dir, 'results.jsonl'));
    for (const r of rows) sink.write(r);
    sink.close();
    if (withSummary) await writeSummaryJson(join(dir, 'summary.json'), await summarizeRows(rows, { ...META, suite: 'from-summary' }));
    return dir;
  }

  it('writes report.html (mode 0600) from results.jsonl and summary.json', async () => {
    const dir = await runFolder([...syntheticRows(40)], true);
    const path = await writeHtmlReport(dir);
    expect(path).toBe(join(dir, 'report.html'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const html = await readFile(path, 'utf8');
    expect(html).toContain('evalbench report: from-summary');
    expect(caseRows(html)).toHaveLength(40);
  });

  it('replaces an old report and rebuilds the summary when summary.json is missing', async () => {
    const dir = await runFolder([...syntheticRows(25)], false);
    await writeFile(join(dir, 'report.html'), 'old', { mode: 0o644 });
    const path = await writeHtmlReport(dir);
    const html = await readFile(path, 'utf8');
    expect(html).toContain('evalbench report: synthetic'); // suite taken from the rows
    expect(html).toMatch(/<dt>Requests<\/dt><dd>\d+ ok \/ 25 total/); // a summary was built from the rows
    expect(caseRows(html)).toHaveLength(25);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('plots the sweep.json of the folder, marking the saturated level', async () => {
    const dir = await runFolder([...syntheticRows(10)], true);
    const row = (level: number, rps: number, p50: number): SweepRow => ({
      param: 'concurrency', level, requests: 10, ok: 10, errors: 0, offered_rate: null, request_throughput: rps,
      aggregate_output_tokens_per_s: rps * 100, ttft_p50_ms: 10, ttft_p99_ms: 20, tpot_p50_ms: 1, tpot_p99_ms: 2,
      latency_p50_ms: p50, latency_p99_ms: p50 * 2, error_rate: 0, goodput: null, goodput_share: null,
    });
    const result = buildSweepResult('concurrency', [row(1, 5, 100), row(4, 18, 110), row(16, 19, 400)]);
    expect(result.saturation?.level).toBe(16);
    await writeSweepFiles(dir, result);
    const html = await readFile(await writeHtmlReport(dir), 'utf8');
    const c = chart(html, 'sweep-latency')!;
    expect(c.match(/<polyline/g)).toHaveLength(2);
    expect(c.match(/<circle class="marker"/g)).toHaveLength(6);
    expect(c).toContain('concurrency=16 (saturation): 19.00 req/s, 400 ms');
  });

  it('refuses a folder without results.jsonl (InputError BAD_RUN_DIR)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'evalbench-html-'));
    dirs.push(dir);
    await expect(writeHtmlReport(dir)).rejects.toMatchObject({ code: 'BAD_RUN_DIR' });
  });
});
