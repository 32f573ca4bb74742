import { escapeHtml } from './escape-html.ts';
import { formatTick, px, textWidth, type Scale } from './scale.ts';

/** Shared pieces of every chart: palette, plot area, axes, legend and the <figure> wrapper. */

/** Tableau 10: distinct on white and for the common colour-vision deficiencies. */
export const PALETTE = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
] as const;

export interface SeriesStyle {
  color: string;
  /** SVG stroke-dasharray; set when the palette wraps so series stay distinguishable. */
  dash?: string;
}

/** Colour (and dash once the palette has wrapped) of the i-th configuration: the same in every chart. */
export function styleFor(i: number): SeriesStyle {
  const color = PALETTE[i % PALETTE.length];
  const wrap = Math.floor(i / PALETTE.length);
  return wrap === 0 ? { color } : { color, dash: wrap === 1 ? '6 3' : '2 2' };
}

export interface Plot {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Size of every chart's viewBox; the SVG itself stretches to its grid cell (width 100%). */
export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 320;

/** Font sizes of the SVG text classes (report-style.ts): margins are sized from them. */
export const TICK_FONT = 11;
const AXIS_TITLE_BAND = 22;

/**
 * Plot area with margins sized to the labels, so none is clipped: the left margin holds the
 * rotated axis title plus the widest y tick label; the right one half the last x tick label
 * (centred on its tick).
 */
export function plotArea(yLabels: readonly string[] = [], lastXLabel = '', width = CHART_WIDTH, height = CHART_HEIGHT): Plot {
  const widest = Math.max(0, ...yLabels.map((l) => textWidth(l, TICK_FONT)));
  const left = Math.max(48, Math.ceil(AXIS_TITLE_BAND + widest + 8));
  const right = width - Math.max(14, Math.ceil(textWidth(lastXLabel, TICK_FONT) / 2 + 4));
  return { width, height, left, right, top: 12, bottom: height - 46 };
}

export type Format = (v: number) => string;

export interface LegendItem extends SeriesStyle {
  label: string;
  /** Draw the swatch as a dot (scatter) instead of a line. */
  dot?: boolean;
}

/** The chart in a <figure data-chart=id>: caption, inline SVG, HTML legend (wraps long labels), note. */
export function figure(id: string, title: string, plot: Plot, body: string, legend: LegendItem[] = [], note = ''): string {
  const items = legend.map((l) => {
    const dash = l.dash ? ` stroke-dasharray="${l.dash}"` : '';
    const swatch = l.dot
      ? `<circle cx="7" cy="6" r="4.5" fill="${l.color}"/>`
      : `<line x1="0" y1="6" x2="14" y2="6" stroke="${l.color}" stroke-width="3"${dash}/>`;
    return `<li><svg width="14" height="12" aria-hidden="true">${swatch}</svg>${escapeHtml(l.label)}</li>`;
  });
  return `<figure class="chart" data-chart="${escapeHtml(id)}"><figcaption>${escapeHtml(title)}</figcaption>`
    // Width 100% with the viewBox's aspect ratio: the chart fills its grid cell at any window width.
    + `<svg viewBox="0 0 ${plot.width} ${plot.height}" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-label="${escapeHtml(title)}">`
    + body + '</svg>'
    + (items.length > 0 ? `<ul class="legend">${items.join('')}</ul>` : '')
    + (note ? `<p class="note">${escapeHtml(note)}</p>` : '')
    + '</figure>';
}

/** Horizontal grid lines and tick labels of a numeric y axis, plus its title. */
export function yAxis(y: Scale, p: Plot, label: string, fmt: Format = formatTick): string {
  let s = `<line class="axis" x1="${p.left}" x2="${p.left}" y1="${p.top}" y2="${p.bottom}"/>`;
  for (const t of y.ticks) {
    const ty = px(y(t));
    s += `<line class="grid" x1="${p.left}" x2="${p.right}" y1="${ty}" y2="${ty}"/>`
      + `<text class="tick" x="${p.left - 5}" y="${ty}" text-anchor="end" dominant-baseline="middle">${escapeHtml(fmt(t))}</text>`;
  }
  const cy = (p.top + p.bottom) / 2;
  s += `<text class="axis-label" transform="translate(13 ${px(cy)}) rotate(-90)" text-anchor="middle">${escapeHtml(label)}</text>`;
  return s + (y.broken ? breakMark('y', p, fmt(y.ticks[0] ?? 0)) : '');
}

/** Vertical grid lines and tick labels of a numeric x axis, plus its title. */
export function xAxis(x: Scale, p: Plot, label: string, fmt: Format = formatTick): string {
  let s = `<line class="axis" x1="${p.left}" x2="${p.right}" y1="${p.bottom}" y2="${p.bottom}"/>`;
  for (const t of x.ticks) {
    const tx = px(x(t));
    s += `<line class="grid" x1="${tx}" x2="${tx}" y1="${p.top}" y2="${p.bottom}"/>`
      + `<text class="tick" x="${tx}" y="${p.bottom + 14}" text-anchor="middle">${escapeHtml(fmt(t))}</text>`;
  }
  s += `<text class="axis-label" x="${px((p.left + p.right) / 2)}" y="${p.height - 6}" text-anchor="middle">${escapeHtml(label + (x.log ? ' (log scale)' : ''))}</text>`;
  return s + (x.broken ? breakMark('x', p, fmt(x.ticks[0] ?? 0)) : '');
}

/**
 * The "//" cut drawn across an axis near its origin when the axis does not start at zero, so a
 * gap between 82% and 91% is not read as a fourfold one. A white gap interrupts the axis line.
 */
export function breakMark(axis: 'x' | 'y', p: Plot, from: string): string {
  const tip = `<title>axis starts at ${escapeHtml(from)}, not at zero</title>`;
  if (axis === 'y') {
    const x = p.left;
    const y = p.bottom - 10;
    return `<g class="axis-break" data-axis="y">${tip}<rect x="${x - 4}" y="${y - 4}" width="10" height="7" fill="#fff"/>`
      + `<path d="M${x - 4} ${y - 1}l10 -4M${x - 4} ${y + 4}l10 -4" stroke="#555" stroke-width="1.5" fill="none"/></g>`;
  }
  const x = p.left + 10;
  const y = p.bottom;
  return `<g class="axis-break" data-axis="x">${tip}<rect x="${x - 3}" y="${y - 5}" width="7" height="10" fill="#fff"/>`
    + `<path d="M${x - 3} ${y + 5}l4 -10M${x + 2} ${y + 5}l4 -10" stroke="#555" stroke-width="1.5" fill="none"/></g>`;
}

/** Evenly spaced category positions across the plot (line charts over effort levels). */
export function categoryPositions(categories: readonly string[], p: Plot): number[] {
  const n = categories.length;
  // The outer labels are centred on their points: keep half of each inside the plot.
  const pad = Math.max(30, ...[categories[0] ?? '', categories[n - 1] ?? ''].map((c) => textWidth(c, TICK_FONT) / 2 + 4));
  if (n === 1) return [(p.left + p.right) / 2];
  const step = (p.right - p.left - 2 * pad) / (n - 1);
  return Array.from({ length: n }, (_, i) => p.left + pad + i * step);
}

export function categoryAxis(categories: readonly string[], xs: readonly number[], p: Plot, label: string): string {
  let s = `<line class="axis" x1="${p.left}" x2="${p.right}" y1="${p.bottom}" y2="${p.bottom}"/>`;
  categories.forEach((c, i) => {
    s += `<text class="tick" x="${px(xs[i])}" y="${p.bottom + 14}" text-anchor="middle">${escapeHtml(c)}</text>`;
  });
  s += `<text class="axis-label" x="${px((p.left + p.right) / 2)}" y="${p.height - 6}" text-anchor="middle">${escapeHtml(label)}</text>`;
  return s;
}

/** Message drawn in place of the plot when a chart has no data. */
export function emptyPlot(p: Plot, message: string): string {
  return `<text class="empty" x="${p.width / 2}" y="${p.height / 2}" text-anchor="middle">${escapeHtml(message)}</text>`;
}

/** Bounds of finite numbers; null when there are none. */
export function extent(values: Iterable<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? null : [lo, hi];
}
