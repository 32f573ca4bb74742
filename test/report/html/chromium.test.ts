import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHtmlReport, type SweepLevel } from '../../../src/report/html/index.ts';
import { JsonlSink } from '../../../src/results/jsonl-sink.ts';
import { summarizeRows, writeSummaryJson } from '../../../src/report/summary.ts';
import type { ResultRow } from '../../../src/results/result-row.ts';
import { syntheticRows } from './synthetic-run.ts';

/** Debian's `chromium` package; .ci/run installs it, so on CI this suite runs. */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

const CHARTS = [
  'ttft-cdf', 'ttfa-cdf', 'itl-cdf', 'latency-cdf', 'tokens-bar', 'cost-bar', 'quality-latency', 'quality-cost',
  'effort-pass-rate', 'effort-latency', 'effort-reasoning-tokens', 'sweep-latency',
];
const SWEEP: SweepLevel[] = [
  { level: 'c=1', request_throughput: 3, p50_latency_ms: 250, p99_latency_ms: 400, aggregate_output_tokens_per_s: 300 },
  { level: 'c=8', request_throughput: 20, p50_latency_ms: 320, p99_latency_ms: 800, aggregate_output_tokens_per_s: 2000 },
  { level: 'c=64', request_throughput: 24, p50_latency_ms: 2400, p99_latency_ms: 5200, aggregate_output_tokens_per_s: 2400 },
];

let work = '';

interface ChromiumRun {
  stdout: string;
  stderr: string;
  ms: number;
}

/** One headless Chromium run with its own profile; never touches the network (file:// only). */
async function chromium(args: string[]): Promise<ChromiumRun> {
  const profile = await mkdtemp(join(work, 'profile-'));
  const flags = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', ...args,
  ];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM!, flags, { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const ms = performance.now() - started;
      if (err) reject(new Error(`chromium failed: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve({ stdout, stderr, ms });
    });
  });
}

/** Console output of pages (Chromium logs it as `CONSOLE(line)] "message", source: url`) and uncaught errors. */
function pageConsole(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /:CONSOLE[(:]|Uncaught|Refused to/.test(l));
}

async function runFolder(rows: ResultRow[]): Promise<string> {
  const dir = await mkdtemp(join(work, 'run-'));
  const sink = JsonlSink.open(join(dir, 'results.jsonl'));
  for (const r of rows) sink.write(r);
  sink.close();
  const meta = { suite: 'synthetic', startedAt: '2025-03-01T12:00:00.000Z', finishedAt: '2025-03-01T12:05:00.000Z' };
  await writeSummaryJson(join(dir, 'summary.json'), await summarizeRows(rows, meta));
  return dir;
}

/** A copy of the report with a test script appended after the report's own. */
async function withProbe(reportPath: string, script: string): Promise<string> {
  const html = await readFile(reportPath, 'utf8');
  const probe = reportPath.replace(/\.html$/, '.probe.html');
  await writeFile(probe, html.replace('</body>', `<script>${script}</script></body>`));
  return probe;
}

/** `report` opened in Chromium with `script` run after its own, no console error: the DOM it leaves. */
async function domAfterProbe(report: string, script: string, args: string[] = []): Promise<string> {
  const probe = await withProbe(report, script);
  const run = await chromium(['--dump-dom', ...args, pathToFileURL(probe).href]);
  expect(pageConsole(run.stderr)).toEqual([]);
  return run.stdout;
}

/** The report.html of a run folder holding `rows`, probed as domAfterProbe does. */
async function domOfRowsAfterProbe(rows: ResultRow[], script: string): Promise<string> {
  return domAfterProbe(await writeHtmlReport(await runFolder(rows)), script);
}

function bodyAttr(dom: string, name: string): string | null {
  const m = dom.match(new RegExp(`<body[^>]*\\s${name}="([^"]*)"`));
  return m ? m[1] : null;
}

/**
 * Probe run at load: every <text> of every chart must lie inside its <svg> (0.5 px slack for
 * anti-aliasing), and every chart must fill its share of the row: one of two columns, or the
 * whole width in one column. Writes JSON to body[data-layout].
 */
const LAYOUT_PROBE = `window.addEventListener('load',function(){
var out={texts:0,clipped:[],charts:[],figs:0};
var svgs=document.querySelectorAll('figure.chart>svg');
for(var i=0;i<svgs.length;i++){var sv=svgs[i],b=sv.getBoundingClientRect(),id=sv.parentNode.getAttribute('data-chart');
var ts=sv.querySelectorAll('text');for(var j=0;j<ts.length;j++){var r=ts[j].getBoundingClientRect();out.texts++;
if(r.width===0)continue;
if(r.left<b.left-0.5||r.right>b.right+0.5||r.top<b.top-0.5||r.bottom>b.bottom+0.5)
out.clipped.push(id+': '+ts[j].textContent+' ['+[r.left-b.left,b.right-r.right,r.top-b.top,b.bottom-r.bottom].map(Math.round).join(',')+']');}}
var rows=document.querySelectorAll('.charts');
for(var k=0;k<rows.length;k++){var c=rows[k],cb=c.getBoundingClientRect(),figs=c.querySelectorAll('figure.chart');
for(var m=0;m<figs.length;m++){var f=figs[m],fb=f.getBoundingClientRect(),s=f.querySelector('svg').getBoundingClientRect();out.figs++;
var vb=f.querySelector('svg').viewBox.baseVal;
out.charts.push({id:f.getAttribute('data-chart'),container:Math.round(cb.width),figure:Math.round(fb.width),svg:Math.round(s.width),svgH:Math.round(s.height),vbRatio:vb.height/vb.width,
inside:Math.round(fb.width-16-2)});}}
document.body.setAttribute('data-layout',JSON.stringify(out));});`;

interface Layout {
  texts: number;
  clipped: string[];
  figs: number;
  charts: { id: string; container: number; figure: number; svg: number; svgH: number; vbRatio: number; inside: number }[];
}

/** Runs LAYOUT_PROBE on a report at one window width. */
async function layoutAt(report: string, width: number): Promise<Layout> {
  const dom = await domAfterProbe(report, LAYOUT_PROBE, [`--window-size=${width},1200`]);
  return JSON.parse((bodyAttr(dom, 'data-layout') ?? '{}').replace(/&quot;/g, '"')) as Layout;
}

/** The checks of a layout: nothing clipped, each chart a full column (two at 1400 px, one when narrow). */
function expectFullWidthUnclipped(layout: Layout, columns: number): void {
  expect(layout.texts).toBeGreaterThan(50);
  expect(layout.clipped).toEqual([]);
  expect(layout.figs).toBeGreaterThan(0);
  for (const c of layout.charts) {
    // A column is (container - 16 px gap) / columns wide; the SVG fills the figure's content box.
    expect(c.figure, c.id).toBeGreaterThanOrEqual(Math.floor((c.container - 16 * (columns - 1)) / columns) - 1);
    expect(c.svg, c.id).toBe(c.inside);
    expect(Math.abs(c.svgH - c.svg * c.vbRatio), c.id).toBeLessThan(2); // the viewBox's aspect ratio: scaled, not cut
  }
}

const TITLE = CHROMIUM
  ? 'report.html in headless Chromium'
  : 'report.html in headless Chromium: SKIPPED, /usr/bin/chromium not installed (apt-get install chromium; .ci/run does)';

describe.skipIf(!CHROMIUM)(TITLE, () => {
  let bigReport = '';
  let bigBytes = 0;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'evalbench-chromium-'));
    const dir = await runFolder([...syntheticRows(10_000)]);
    bigReport = await writeHtmlReport(dir, { sweep: SWEEP });
    bigBytes = (await stat(bigReport)).size;
  }, 120_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('notices console errors at all (the check below is not vacuous)', async () => {
    const page = join(work, 'broken.html');
    await writeFile(page, '<!doctype html><body><script>console.error("probe-error"); missingFunction();</script></body>');
    const run = await chromium(['--dump-dom', pathToFileURL(page).href]);
    const lines = pageConsole(run.stderr);
    expect(lines.some((l) => l.includes('probe-error'))).toBe(true);
    expect(lines.some((l) => l.includes('Uncaught'))).toBe(true);
  }, 120_000);

  it('renders the 10,000-row report with every chart and no console error', async () => {
    const run = await chromium(['--dump-dom', pathToFileURL(bigReport).href]);
    expect(pageConsole(run.stderr)).toEqual([]);
    const dom = run.stdout;
    for (const id of CHARTS) {
      expect(dom, id).toMatch(new RegExp(`<figure class="chart" data-chart="${id}"><figcaption>[^<]*</figcaption><svg `));
    }
    expect((dom.match(/<div class="row" role="row" data-s=/g) ?? []).length).toBe(2000);
    console.log(`report.html of 10,000 rows: ${(bigBytes / 1e6).toFixed(2)} MB`);
    expect(bigBytes).toBeLessThan(5 * 1024 * 1024);
  }, 120_000);

  it('opens quickly: load event plus layout of the 10,000-row report (target < 2 s)', async () => {
    const probe = await withProbe(bigReport,
      "window.addEventListener('load',function(){document.body.offsetHeight;"
      + "document.body.setAttribute('data-load-ms',String(Math.round(performance.now())));});");
    const blank = join(work, 'blank.html');
    await writeFile(blank, '<!doctype html><title>blank</title><body></body>');
    const base = await chromium(['--dump-dom', pathToFileURL(blank).href]);
    const run = await chromium(['--dump-dom', pathToFileURL(probe).href]);
    const loadMs = Number(bodyAttr(run.stdout, 'data-load-ms'));
    console.log(`Chromium: load + layout ${loadMs} ms after navigation start; process ${run.ms.toFixed(0)} ms vs ${base.ms.toFixed(0)} ms for a blank page`);
    expect(loadMs).toBeGreaterThan(0);
    expect(loadMs).toBeLessThan(15_000); // sanity bound only: 2 cores shared with other tests
  }, 120_000);

  it('takes a full-page screenshot that is not blank', async () => {
    const shot = join(work, 'shot.png');
    const run = await chromium(['--screenshot=' + shot, '--window-size=1400,3000', '--hide-scrollbars', pathToFileURL(bigReport).href]);
    expect(pageConsole(run.stderr)).toEqual([]);
    const png = await readFile(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1400); // IHDR width
    expect(png.readUInt32BE(20)).toBe(3000); // IHDR height
    // A blank 1400x3000 page compresses to about 9 KB; charts and tables make it far larger.
    expect(png.length).toBeGreaterThan(100_000);
  }, 120_000);

  it('keeps every chart label inside its SVG and fills the page width: two columns at 1400 px, one at 900 px', async () => {
    const wide = await layoutAt(bigReport, 1400);
    expectFullWidthUnclipped(wide, 2);
    expect(wide.charts[0].container).toBeGreaterThan(1300); // the page's full content width, not 560 px
    const narrow = await layoutAt(bigReport, 900);
    expectFullWidthUnclipped(narrow, 1);
    console.log(`chart layout: ${wide.texts} labels inside their SVG; chart width ${wide.charts[0].svg} px of ${wide.charts[0].container} at 1400 px, ${narrow.charts[0].svg} of ${narrow.charts[0].container} at 900 px`);
  }, 120_000);

  it('notices a clipped label at all (the check above is not vacuous)', async () => {
    const page = join(work, 'clipped.html');
    await writeFile(page, '<!doctype html><body><div class="charts"><figure class="chart" data-chart="x"><svg viewBox="0 0 100 50" width="100%">'
      + '<text x="95" y="20">0.0003</text></svg></figure></div></body>');
    const layout = await layoutAt(page, 600);
    expect(layout.clipped).toHaveLength(1);
    expect(layout.clipped[0]).toMatch(/^x: 0.0003/);
  }, 120_000);

  it('starts the case table with failures, and every header is a keyboard-reachable sort button with aria-sort', async () => {
    const rows = [...syntheticRows(120)];
    const dom = await domOfRowsAfterProbe(rows, [
      "function cells(i){return [].map.call(document.querySelectorAll('#cases .row[data-s]'),function(r){return i<0?r.getAttribute('data-s'):r.children[i].textContent;});}",
      "function set(k,v){document.body.setAttribute('data-'+k,JSON.stringify(v));}",
      "set('initial',cells(-1));",
      "var heads=document.querySelectorAll('#cases [role=columnheader]'),ok=[];",
      // Each header: a native button (Tab reaches it, Enter and Space press it) that takes focus.
      "for(var i=0;i<heads.length;i++){var b=heads[i].querySelector('button');b.focus();ok.push(b.tagName==='BUTTON'&&b.tabIndex>=0&&document.activeElement===b&&heads[i].getAttribute('aria-sort')==='none');}",
      "set('buttons',ok);",
      "var sorted=[];for(var c=0;c<heads.length;c++){heads[c].querySelector('button').click();sorted.push(heads[c].getAttribute('aria-sort'));}set('aria',sorted);",
      "heads[4].querySelector('button').click();set('result',cells(-1));",
      "heads[1].querySelector('button').click();set('case',cells(1));",
      "heads[1].querySelector('button').click();set('casedesc',cells(1));set('ariadesc',heads[1].getAttribute('aria-sort'));",
    ].join(''));
    const attr = <T>(k: string): T => JSON.parse((bodyAttr(dom, `data-${k}`) ?? 'null').replace(/&quot;/g, '"')) as T;
    const bad = (v: string) => v === 'fail' || v === 'error';
    const initial = attr<string[]>('initial');
    const nBad = initial.filter(bad).length;
    expect(nBad).toBeGreaterThan(0);
    expect(initial.slice(0, nBad).every(bad)).toBe(true); // failures and errors first
    expect(attr<boolean[]>('buttons')).toEqual(Array(12).fill(true));
    expect(attr<string[]>('aria')).toEqual(Array(12).fill('ascending'));
    // Result ascending puts the worst first: errors, then failures, then passes.
    const rank = { error: 0, fail: 1, skipped: 2, ok: 3, pass: 4 } as Record<string, number>;
    const result = attr<string[]>('result').map((v) => rank[v]);
    expect(result).toEqual([...result].sort((a, b) => a - b));
    expect(attr<string[]>('result')[0]).toBe(rows.some((r) => r.status === 'error') ? 'error' : 'fail');
    // Case ids in natural order: case-2 before case-10.
    const ids = attr<string[]>('case').map((t) => Number(t.replace('case-', '')));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(attr<string[]>('casedesc').map((t) => Number(t.replace('case-', '')))).toEqual([...ids].reverse());
    expect(attr<string>('ariadesc')).toBe('descending');
  }, 120_000);

  it('filters the case table by text and by result', async () => {
    const rows = [...syntheticRows(200)];
    const dom = await domOfRowsAfterProbe(rows, [
      "var q=document.getElementById('case-filter'),s=document.getElementById('case-status');",
      "function shown(){return [].filter.call(document.querySelectorAll('#cases .row[data-s]'),function(r){return !r.hidden;}).length;}",
      "q.value='CASE-3';q.dispatchEvent(new Event('input'));document.body.setAttribute('data-text',shown());",
      "document.body.setAttribute('data-count',document.getElementById('case-count').textContent);",
      "q.value='';q.dispatchEvent(new Event('input'));s.value='bad';s.dispatchEvent(new Event('change'));",
      "document.body.setAttribute('data-bad',shown());",
    ].join(''));
    const byText = rows.filter((r) => r.case_id.startsWith('case-3')).length;
    const bad = rows.filter((r) => r.status === 'error' || r.passed === false).length;
    expect(byText).toBeGreaterThan(0);
    expect(Number(bodyAttr(dom, 'data-text'))).toBe(byText);
    expect(bodyAttr(dom, 'data-count')).toBe(`${byText} shown`);
    expect(Number(bodyAttr(dom, 'data-bad'))).toBe(bad);
  }, 120_000);

  it('sorts the case table by a clicked column, and the other way on a second click', async () => {
    const rows = [...syntheticRows(60)];
    const dom = await domOfRowsAfterProbe(rows, [
      "function col(i){return [].map.call(document.querySelectorAll('#cases .row[data-s]'),function(r){return r.children[i].textContent;});}",
      "var h=document.querySelector('#cases .head [data-col=\"6\"]');",
      "h.click();document.body.setAttribute('data-asc',JSON.stringify(col(6)));",
      "h.click();document.body.setAttribute('data-desc',JSON.stringify(col(6)));",
      "document.body.setAttribute('data-first',document.querySelector('#cases .row[data-s]').getAttribute('data-s'));",
    ].join(''));
    const parse = (a: string) => (JSON.parse(a.replace(/&quot;/g, '"')) as string[]).map((t) => (t === '-' ? Infinity : Number(t.replace(/,/g, ''))));
    const asc = parse(bodyAttr(dom, 'data-asc') ?? '[]');
    const desc = parse(bodyAttr(dom, 'data-desc') ?? '[]');
    expect(asc).toHaveLength(60);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(desc.filter(Number.isFinite)).toEqual(asc.filter(Number.isFinite).reverse());
  }, 120_000);
});

describe.skipIf(!CHROMIUM)(`${TITLE}: a real simulator run`, () => {
  it('renders the report.html that `run` wrote, with its charts, no console error, and a screenshot', async () => {
    const { runSuite } = await import('../../../src/session/run-suite.ts');
    const { parseSuite } = await import('../../../src/suite/load-suite.ts');
    // The suite above removed its folder: chromium() keeps profiles under `work`, so point it here.
    work = await mkdtemp(join(tmpdir(), 'evalbench-chromium-sim-'));
    const dir = work;
    const suite = parseSuite([
      'name: sim-report',
      'models: [sim:fast, sim:reasoner]',
      'reasoning_effort: [low, high]',
      'repeats: 3',
      'concurrency: 16',
      'cases:',
      ...Array.from({ length: 6 }, (_, i) => `  - { id: c${i}, prompt: "What is ${i + 3} * 4?", assert: [{ type: equals, value: "${(i + 3) * 4}" }] }`),
    ].join('\n'), join(dir, 'suite.yaml'));
    const outcome = await runSuite(suite, { outDir: join(dir, 'out'), warmUp: false });
    expect(outcome.counts.ok).toBe(6 * 2 * 2 * 3);
    const page = pathToFileURL(outcome.files.html).href;
    const run = await chromium(['--dump-dom', page]);
    expect(pageConsole(run.stderr)).toEqual([]);
    for (const id of ['ttft-cdf', 'ttfa-cdf', 'itl-cdf', 'latency-cdf', 'tokens-bar', 'cost-bar', 'quality-latency', 'quality-cost', 'effort-pass-rate']) {
      expect(run.stdout, id).toMatch(new RegExp(`<figure class="chart" data-chart="${id}"><figcaption>[^<]*</figcaption><svg `));
    }
    expect(run.stdout).toContain('sim:reasoner');
    // Real pass rates (all high on the simulator) get a data-scaled axis with its break mark.
    expect(run.stdout).toMatch(/data-chart="quality-latency">[\s\S]*?<g class="axis-break" data-axis="y">/);
    expectFullWidthUnclipped(await layoutAt(outcome.files.html, 1400), 2);
    const shot = join(dir, 'shot.png');
    const s = await chromium(['--screenshot=' + shot, '--window-size=1400,2400', '--hide-scrollbars', page]);
    expect(pageConsole(s.stderr)).toEqual([]);
    const png = await readFile(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(50_000); // a blank page is about 9 KB
    await rm(work, { recursive: true, force: true });
  }, 120_000);
});
