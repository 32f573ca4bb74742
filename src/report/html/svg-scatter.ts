import { emptyPlot, extent, figure, plotArea, xAxis, yAxis, type Format, type LegendItem } from './chart-frame.ts';
import { escapeHtml } from './escape-html.ts';
import { paretoFront } from './pareto-front.ts';
import { autoDomain, dataDomain, formatTick, linearDomain, px, scaleOf } from './scale.ts';

export interface ScatterPoint {
  label: string;
  color: string;
  x: number;
  y: number;
  /** Interval of y (e.g. a 95% Wilson interval), drawn as an error bar. */
  yLow?: number;
  yHigh?: number;
  /** Tooltip; defaults to the label. */
  tip?: string;
}

export interface ScatterOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  points: ScatterPoint[];
  /** Mark the Pareto front: lower x and higher y are better. */
  pareto?: boolean;
  /** Fixed y domain; without it y is scaled to the data (and error bars). */
  yDomain?: [number, number];
  /** Limits of a data-scaled y axis (pass rates: [0, 1]). */
  yBounds?: [number, number];
  xFormat?: Format;
  yFormat?: Format;
  note?: string;
}

/**
 * One dot per configuration with optional y error bars. With `pareto`, the configurations no
 * other beats on both axes are ringed and joined by a dashed staircase: the efficient choices.
 */
export function renderScatter(o: ScatterOptions): string {
  const pts = o.points.filter((pt) => Number.isFinite(pt.x) && Number.isFinite(pt.y));
  const legend: LegendItem[] = pts.map((pt) => ({ label: pt.label, color: pt.color, dot: true }));
  const xr = extent(pts.map((pt) => pt.x));
  const yr = o.yDomain ?? extent(pts.flatMap((pt) => [pt.y, pt.yLow ?? pt.y, pt.yHigh ?? pt.y]));
  if (!xr || !yr) return figure(o.id, o.title, plotArea(), emptyPlot(plotArea(), 'no data'), legend, o.note);

  const yFmt = o.yFormat ?? formatTick;
  const xd = autoDomain(xr[0], xr[1]);
  const yd = o.yDomain ? linearDomain(yr[0], yr[1]) : dataDomain(yr[0], yr[1], o.yBounds);
  const p = plotArea(yd.ticks.map(yFmt), (o.xFormat ?? formatTick)(xd.ticks.at(-1) ?? 0));
  const x = scaleOf(xd, p.left, p.right);
  const y = scaleOf(yd, p.bottom, p.top);
  let body = yAxis(y, p, o.yLabel, o.yFormat) + xAxis(x, p, o.xLabel, o.xFormat);

  const front = o.pareto ? paretoFront(pts) : [];
  const onFront = new Set(front);
  if (front.length > 1) {
    // Staircase: from each front point go right to the next one's x, then up to its y.
    let d = '';
    front.forEach((i, k) => {
      const cx = px(x(pts[i].x));
      const cy = px(y(pts[i].y));
      d += k === 0 ? `M${cx},${cy}` : `H${cx}V${cy}`;
    });
    body += `<path class="pareto" d="${d}" fill="none" stroke="#333" stroke-width="1.5" stroke-dasharray="5 4"><title>Pareto front</title></path>`;
  }
  pts.forEach((pt, i) => {
    const cx = px(x(pt.x));
    const cy = px(y(pt.y));
    if (pt.yLow !== undefined && pt.yHigh !== undefined && Number.isFinite(pt.yLow) && Number.isFinite(pt.yHigh)) {
      body += `<line class="errbar" x1="${cx}" x2="${cx}" y1="${px(y(pt.yLow))}" y2="${px(y(pt.yHigh))}" stroke="${pt.color}" stroke-width="1.5"/>`;
    }
    const front = onFront.has(i);
    const tip = (pt.tip ?? pt.label) + (front ? ' (on the Pareto front)' : '');
    body += `<circle class="point${front ? ' front' : ''}" cx="${cx}" cy="${cy}" r="6" fill="${pt.color}"`
      + (front ? ' stroke="#111" stroke-width="2"' : ' stroke="#fff" stroke-width="1"')
      + `><title>${escapeHtml(tip)}</title></circle>`;
  });
  const legendFront: LegendItem[] = front.length > 0 ? [{ label: 'Pareto front (ringed, dashed)', color: '#333', dash: '5 4' }] : [];
  return figure(o.id, o.title, p, body, [...legend, ...legendFront], o.note);
}
