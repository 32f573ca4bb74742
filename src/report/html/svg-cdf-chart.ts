import { percentileSorted } from '../../measure/percentile.ts';
import type { LogHistogram } from '../../measure/statistics.ts';
import type { SeriesStyle } from './chart-frame.ts';
import { renderLineChart, type LinePoint } from './svg-line-chart.ts';

/** Most points one CDF curve carries into the HTML, whatever the number of samples. */
export const MAX_CDF_POINTS = 200;

/**
 * A CDF as at most `maxPoints` (value, quantile) pairs at evenly spaced quantiles, using the same
 * linear-interpolation percentile as the summary. With n <= maxPoints samples every sample is a
 * point (quantile i / (n - 1)), so small runs show exactly what was measured.
 */
export function cdfPoints(quantile: (p: number) => number | null, n: number, maxPoints = MAX_CDF_POINTS): LinePoint[] {
  if (n === 0) return [];
  const k = Math.max(2, Math.min(n, maxPoints));
  const out: LinePoint[] = [];
  for (let i = 0; i < k; i++) {
    const q = i / (k - 1);
    const v = quantile(q * 100);
    if (v !== null && Number.isFinite(v)) out.push({ x: v, y: q });
  }
  return out;
}

/** CDF points of ascending-sorted samples. */
export function cdfOfSorted(sorted: ArrayLike<number>, maxPoints = MAX_CDF_POINTS): LinePoint[] {
  return cdfPoints((p) => percentileSorted(sorted, p), sorted.length, maxPoints);
}

/** CDF points of a log histogram (pooled ITL): within its relative accuracy of the exact curve. */
export function cdfOfHistogram(h: LogHistogram, maxPoints = MAX_CDF_POINTS): LinePoint[] {
  return cdfPoints((p) => h.percentile(p), h.count, maxPoints);
}

export interface CdfSeries extends SeriesStyle {
  label: string;
  points: LinePoint[];
}

/** Cumulative distribution chart: y is the share of requests at or below x. */
export function renderCdfChart(o: {
  id: string; title: string; xLabel: string; yLabel?: string; series: CdfSeries[]; note?: string;
}): string {
  return renderLineChart({
    id: o.id,
    title: o.title,
    xLabel: o.xLabel,
    yLabel: o.yLabel ?? 'share of requests ≤ x',
    series: o.series,
    yDomain: [0, 1],
    yFormat: (v) => `${Math.round(v * 100)}%`,
    note: o.note,
  });
}
