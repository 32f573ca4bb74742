import {
  categoryAxis, categoryPositions, emptyPlot, extent, figure, plotArea, xAxis, yAxis, type Format, type LegendItem,
  type SeriesStyle,
} from './chart-frame.ts';
import { escapeHtml } from './escape-html.ts';
import { autoDomain, dataDomain, formatTick, linearDomain, logDomain, px, scaleOf, type Domain } from './scale.ts';

export interface LinePoint {
  x: number;
  y: number;
  /** Tooltip of the point's marker (markers are drawn only when the series asks). */
  label?: string;
}

export interface LineSeries extends SeriesStyle {
  label: string;
  points: LinePoint[];
  markers?: boolean;
}

export interface LineChartOptions {
  /** Goes to data-chart: a stable handle for tests and for styling. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** Categorical x axis: point.x is an index into this list. */
  categories?: readonly string[];
  /** Numeric x axis: 'auto' (default) switches to log when the values span over 50x. */
  xScale?: 'auto' | 'linear' | 'log';
  /** Fixed y domain, e.g. [0, 1] for CDFs, where the whole range is the point. */
  yDomain?: [number, number];
  /** Without yDomain, y is scaled to the data but never past these (pass rates: [0, 1]). */
  yBounds?: [number, number];
  xFormat?: Format;
  yFormat?: Format;
  note?: string;
}

function numericX(o: LineChartOptions, lo: number, hi: number): Domain {
  if (o.xScale === 'linear') return dataDomain(lo, hi);
  if (o.xScale === 'log' && lo > 0) return logDomain(lo, hi);
  return autoDomain(lo, hi);
}

/** Lines over a numeric or categorical x axis, one per series, drawn as SVG polylines. */
export function renderLineChart(o: LineChartOptions): string {
  const legend: LegendItem[] = o.series.map((s) => ({ label: s.label, color: s.color, dash: s.dash }));
  const all = o.series.flatMap((s) => s.points.filter((pt) => Number.isFinite(pt.x) && Number.isFinite(pt.y)));
  const xr = extent(all.map((pt) => pt.x));
  const yr = o.yDomain ?? extent(all.map((pt) => pt.y));
  if (!xr || !yr) return figure(o.id, o.title, plotArea(), emptyPlot(plotArea(), 'no data'), legend, o.note);

  const yFmt = o.yFormat ?? formatTick;
  const yd = o.yDomain ? linearDomain(yr[0], yr[1]) : dataDomain(yr[0], yr[1], o.yBounds);
  const xd = o.categories ? null : numericX(o, xr[0], xr[1]);
  const p = plotArea(yd.ticks.map(yFmt), xd ? (o.xFormat ?? formatTick)(xd.ticks.at(-1) ?? 0) : '');
  const y = scaleOf(yd, p.bottom, p.top);
  let body = yAxis(y, p, o.yLabel, yFmt);
  let xOf: (v: number) => number;
  if (o.categories) {
    const xs = categoryPositions(o.categories, p);
    xOf = (i) => xs[i];
    body += categoryAxis(o.categories, xs, p, o.xLabel);
  } else {
    const x = scaleOf(xd!, p.left, p.right);
    xOf = x;
    body += xAxis(x, p, o.xLabel, o.xFormat);
  }

  for (const s of o.series) {
    const pts = s.points.filter((pt) => Number.isFinite(pt.x) && Number.isFinite(pt.y));
    if (pts.length === 0) continue;
    const coords = pts.map((pt) => `${px(xOf(pt.x))},${px(y(pt.y))}`).join(' ');
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    body += `<polyline class="series" fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${coords}"><title>${escapeHtml(s.label)}</title></polyline>`;
    if (s.markers || pts.length === 1) {
      for (const pt of pts) {
        const tip = pt.label ?? s.label;
        body += `<circle class="marker" cx="${px(xOf(pt.x))}" cy="${px(y(pt.y))}" r="3.5" fill="${s.color}"><title>${escapeHtml(tip)}</title></circle>`;
      }
    }
  }
  return figure(o.id, o.title, p, body, legend, o.note);
}
