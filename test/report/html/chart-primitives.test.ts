import { describe, expect, it } from 'vitest';
import { escapeHtml, truncateText } from '../../../src/report/html/escape-html.ts';
import { cdfOfHistogram, cdfOfSorted, MAX_CDF_POINTS } from '../../../src/report/html/svg-cdf-chart.ts';
import { formatTick, logScale, niceDomain } from '../../../src/report/html/scale.ts';
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
