import { describe, expect, it } from 'vitest';
import { escapeHtml, truncateText } from '../../../src/report/html/escape-html.ts';
import { cdfOfHistogram, cdfOfSorted, MAX_CDF_POINTS } from '../../../src/report/html/svg-cdf-chart.ts';
import { autoDomain, dataDomain, formatTick, logScale, niceDomain } from '../../../src/report/html/scale.ts';
import { renderBarChart } from '../../../src/report/html/svg-bar-chart.ts';
import { renderLineChart } from '../../../src/report/html/svg-line-chart.ts';
import { renderScatter } from '../../../src/report/html/svg-scatter.ts';
import { LogHistogram } from '../../../src/measure/statistics.ts';
import { checkNesting } from './html-check.ts';

describe('escapeHtml / truncateText', () => {
  it('makes control characters visible instead of writing them raw; tab, LF and CR stay', () => {
    expect(escapeHtml('a\u0000b\u001b[2Jc\u007fd\u0085e\tf\ng\rh')).toBe('a\u2400b\u241b[2Jc\u2421d\ufffde\tf\ng\rh');
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('never splits a surrogate pair', () => {
    expect(truncateText('ab😀cd', 3)).toEqual({ text: 'ab', truncated: true });
    expect(truncateText('ab😀cd', 4)).toEqual({ text: 'ab😀', truncated: true });
    expect(truncateText('short', 10)).toEqual({ text: 'short', truncated: false });
  });
});

describe('scales', () => {
  it('widens a domain to nice ticks', () => {
    expect(niceDomain(0, 97)).toEqual({ lo: 0, hi: 100, ticks: [0, 20, 40, 60, 80, 100] });
    expect(niceDomain(0.001, 0.0029).ticks).toEqual([0.001, 0.0015, 0.002, 0.0025, 0.003]);
    expect(niceDomain(5, 5).ticks.length).toBeGreaterThan(1); // zero-width domain still gets an axis
  });
  it('puts log ticks on whole decades and maps them evenly', () => {
    const s = logScale(3, 4000, 0, 400);
    expect(s.ticks[0]).toBe(1);
    expect(s.ticks).toContain(1000);
    expect(s(10) - s(1)).toBeCloseTo(s(100) - s(10), 6);
  });
  it('keeps float steps on their ticks: the bounds are ticks', () => {
    const d = niceDomain(0.742, 0.954);
    expect(d.lo).toBe(0.7);
    expect(d.ticks[0]).toBe(0.7);
    expect(d.ticks.at(-1)).toBe(d.hi);
  });
  it('starts a data axis at zero when that leaves at most a third of it empty', () => {
    expect(dataDomain(120, 570)).toMatchObject({ lo: 0, broken: false });
    expect(dataDomain(-40, 30)).toMatchObject({ broken: false });
    expect(dataDomain(-500, -100)).toMatchObject({ hi: 0, broken: false });
    expect(dataDomain(-500, -200)).toMatchObject({ broken: true });
  });
  it('hugs close values (82-91% pass rates) with a broken axis, never past its bounds', () => {
    const d = dataDomain(0.752, 0.944, [0, 1]);
    expect(d.broken).toBe(true);
    expect(d.lo).toBe(0.7);
    expect(d.hi).toBe(1);
    expect(d.ticks).toEqual([0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1]);
    // Every value lies inside, with room: 82% and 91% are now about half the axis apart, not 9%.
    expect((0.91 - 0.82) / (d.hi - d.lo)).toBeGreaterThan(0.25);
    const all = dataDomain(1, 1, [0, 1]); // every configuration at 100%
    expect(all.hi).toBe(1);
    expect(all.lo).toBeLessThan(1);
    expect(all.ticks.every((t) => t >= all.lo && t <= 1)).toBe(true);
    const far = dataDomain(2000, 2400);
    expect(far.broken).toBe(true);
    expect(far.lo).toBeGreaterThan(1000);
    expect(far.lo).toBeLessThanOrEqual(2000);
    expect(far.hi).toBeGreaterThanOrEqual(2400);
  });
  it('goes log only past a 50x spread, otherwise uses the data axis', () => {
    expect(autoDomain(1, 1000).log).toBe(true);
    expect(autoDomain(300, 400)).toMatchObject({ log: false, broken: true });
  });
  it('formats ticks compactly', () => {
    expect([0, 0.05, 12, 15000, 2_500_000].map(formatTick)).toEqual(['0', '0.05', '12', '15k', '2.5M']);
  });
});

describe('CDF points', () => {
  it('keeps every sample of a small run, at quantile i/(n-1)', () => {
    expect(cdfOfSorted([10, 20, 40])).toEqual([{ x: 10, y: 0 }, { x: 20, y: 0.5 }, { x: 40, y: 1 }]);
  });
  it('downsamples a large run to at most 200 evenly spaced quantiles', () => {
    const sorted = Float64Array.from({ length: 100_000 }, (_, i) => i);
    const pts = cdfOfSorted(sorted);
    expect(pts.length).toBe(MAX_CDF_POINTS);
    expect(pts[0]).toEqual({ x: 0, y: 0 });
    expect(pts.at(-1)).toEqual({ x: 99_999, y: 1 });
    const mid = pts[100];
    expect(mid.x).toBeCloseTo(mid.y * 99_999, 6); // value at quantile q of 0..n-1 is q(n-1)
  });
  it('reads a log histogram within its relative accuracy', () => {
    const h = new LogHistogram();
    for (let i = 1; i <= 10_000; i++) h.record(i);
    const pts = cdfOfHistogram(h);
    expect(pts.length).toBe(MAX_CDF_POINTS);
    for (const p of pts) expect(Math.abs(p.x - (1 + p.y * 9999))).toBeLessThanOrEqual(0.005 * p.x + 1e-9);
  });
});

describe('SVG charts', () => {
  it('line chart: one polyline per series, escaped labels, data-chart id', () => {
    const html = renderLineChart({
      id: 'demo', title: 'T <1>', xLabel: 'x', yLabel: 'y',
      series: [
        { label: 'a<b>', color: '#111', points: [{ x: 1, y: 1 }, { x: 2, y: 3 }] },
        { label: 'c', color: '#222', points: [{ x: 1, y: 2 }, { x: 2, y: 2 }] },
      ],
    });
    checkNesting(html);
    expect(html).toContain('data-chart="demo"');
    expect(html.match(/<polyline/g)).toHaveLength(2);
    expect(html).toContain('a&lt;b&gt;');
    expect(html).not.toContain('a<b>');
  });

  it('line chart without data says so instead of drawing', () => {
    const html = renderLineChart({ id: 'e', title: 'E', xLabel: 'x', yLabel: 'y', series: [] });
    expect(html).toContain('no data');
    expect(html).not.toContain('<polyline');
  });

  it('scatter rings exactly the Pareto-front points and draws the staircase', () => {
    const html = renderScatter({
      id: 's', title: 'S', xLabel: 'cost', yLabel: 'pass', pareto: true, yDomain: [0, 1],
      points: [
        { label: 'cheap', color: '#111', x: 1, y: 0.5 },
        { label: 'bad', color: '#222', x: 3, y: 0.4, yLow: 0.3, yHigh: 0.5 },
        { label: 'best', color: '#333', x: 5, y: 0.9 },
      ],
    });
    checkNesting(html);
    expect(html.match(/class="point front"/g)).toHaveLength(2);
    expect(html.match(/class="point"/g)).toHaveLength(1);
    expect(html).toMatch(/bad<\/title>/); // the dominated one carries no front note
    expect(html).toContain('class="pareto"');
    expect(html).toContain('class="errbar"');
  });

  it('marks a broken axis only when it does not start at zero', () => {
    const series = (ys: number[]) => [{ label: 'a', color: '#111', markers: true, points: ys.map((y, x) => ({ x, y })) }];
    const cut = renderLineChart({ id: 'c', title: 'C', xLabel: 'e', yLabel: 'pass', categories: ['low', 'high'], yBounds: [0, 1], series: series([0.82, 0.91]) });
    expect(cut).toMatch(/<g class="axis-break" data-axis="y"><title>axis starts at 0\.8, not at zero<\/title>/);
    const whole = renderLineChart({ id: 'w', title: 'W', xLabel: 'e', yLabel: 'pass', categories: ['low', 'high'], yBounds: [0, 1], series: series([0.2, 0.91]) });
    expect(whole).not.toContain('axis-break');
    const cdf = renderLineChart({ id: 'f', title: 'F', xLabel: 'ms', yLabel: 'share', yDomain: [0, 1], series: [{ label: 'a', color: '#111', points: [{ x: 2000, y: 0 }, { x: 2400, y: 1 }] }] });
    expect(cdf).toContain('data-axis="x"');
    expect(cdf).not.toContain('data-axis="y"');
  });

  it('sizes margins to the labels: a wide y label moves the plot right, a long last x label leaves room', () => {
    const chartWith = (y: number, x: number) => renderScatter({
      id: 's', title: 'S', xLabel: 'x', yLabel: 'y', points: [{ label: 'a', color: '#111', x: 0, y: 0 }, { label: 'b', color: '#111', x, y }],
    });
    const left = (html: string) => Number(html.match(/<line class="axis" x1="([\d.]+)"/)![1]);
    expect(left(chartWith(2_000_000, 1))).toBeGreaterThan(left(chartWith(1, 1)));
    const small = chartWith(1, 0.00031);
    const lastTick = [...small.matchAll(/<text class="tick" x="([\d.]+)" y="[\d.]+" text-anchor="middle">([^<]*)<\/text>/g)].at(-1)!;
    expect(lastTick[2]).toBe('0.0004');
    expect(Number(lastTick[1]) + 6.5 * lastTick[2].length / 2).toBeLessThanOrEqual(640);
  });

  it('charts stretch to their container: width 100% and a viewBox, no fixed pixel size', () => {
    const html = renderLineChart({ id: 'd', title: 'D', xLabel: 'x', yLabel: 'y', series: [{ label: 'a', color: '#111', points: [{ x: 1, y: 1 }] }] });
    expect(html).toMatch(/<svg viewBox="0 0 640 320" width="100%" preserveAspectRatio="xMidYMid meet"/);
    expect(html).not.toMatch(/<svg viewBox[^>]* height=/);
  });

  it('bar chart: a rect per non-null value, one band per category', () => {
    const html = renderBarChart({
      id: 'b', title: 'B', valueLabel: 'tokens', categories: ['m1', 'm2'],
      series: [{ label: 'p', color: '#111' }, { label: 'c', color: '#222' }],
      values: [[10, 20], [null, 5]],
    });
    checkNesting(html);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(3);
    expect(html).toContain('m2 — c: 5');
  });
});
