import { CHART_WIDTH, figure, TICK_FONT, type Format, type LegendItem, type Plot } from './chart-frame.ts';
import { escapeHtml, truncateText } from './escape-html.ts';
import { formatTick, linearDomain, px, scaleOf, textWidth } from './scale.ts';

export interface BarSeries {
  label: string;
  color: string;
}

export interface BarChartOptions {
  id: string;
  title: string;
  /** Label of the value axis. */
  valueLabel: string;
  /** One band per category (configuration), labelled on the left: long labels read well. */
  categories: readonly string[];
  series: readonly BarSeries[];
  /** values[category][series]; null = not available (no bar). */
  values: readonly (readonly (number | null)[])[];
  /** Per-category colours for a single-series chart (each configuration in its own colour). */
  categoryColors?: readonly string[];
  format?: Format;
  note?: string;
}

const BAND = 26;
const LABEL_CHARS = 30;
/** Font size of `svg .value` in report-style.ts. */
const VALUE_FONT = 10;

/** Horizontal grouped bars: categories down the side, one bar per series in each band. */
export function renderBarChart(o: BarChartOptions): string {
  const width = CHART_WIDTH;
  const fmt = o.format ?? formatTick;
  const longest = Math.max(...o.categories.map((c) => textWidth(truncateText(c, LABEL_CHARS).text + '…', TICK_FONT)), 24);
  const left = Math.ceil(Math.min(260, 14 + longest));
  const perBand = Math.max(BAND, o.series.length * 11 + 8);
  const height = 12 + o.categories.length * perBand + 42;

  let max = 0;
  let widestValue = 0;
  for (const row of o.values) {
    for (const v of row) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v > max) max = v;
      widestValue = Math.max(widestValue, textWidth(fmt(v), VALUE_FONT));
    }
  }
  // Bars always start at zero: their length is the value, a cut axis would misstate ratios.
  const xd = linearDomain(0, max > 0 ? max : 1);
  // The right margin holds the value written after the longest bar and half the last tick label.
  const lastTick = textWidth(formatTick(xd.ticks.at(-1) ?? 0), TICK_FONT) / 2 + 4;
  const right = width - Math.ceil(Math.max(14, lastTick, widestValue + 6));
  const p: Plot = { width, height, left, right, top: 12, bottom: height - 42 };
  const x = scaleOf(xd, p.left, p.right);

  let body = `<line class="axis" x1="${p.left}" x2="${p.right}" y1="${p.bottom}" y2="${p.bottom}"/>`;
  for (const t of x.ticks) {
    const tx = px(x(t));
    body += `<line class="grid" x1="${tx}" x2="${tx}" y1="${p.top}" y2="${p.bottom}"/>`
      + `<text class="tick" x="${tx}" y="${p.bottom + 14}" text-anchor="middle">${escapeHtml(formatTick(t))}</text>`;
  }
  body += `<text class="axis-label" x="${px((p.left + p.right) / 2)}" y="${height - 6}" text-anchor="middle">${escapeHtml(o.valueLabel)}</text>`;

  const barH = Math.min(16, (perBand - 8) / Math.max(1, o.series.length));
  o.categories.forEach((cat, ci) => {
    const top = p.top + ci * perBand + 4;
    const short = truncateText(cat, LABEL_CHARS);
    body += `<text class="tick" x="${p.left - 6}" y="${px(top + (perBand - 8) / 2)}" text-anchor="end" dominant-baseline="middle">`
      + `<title>${escapeHtml(cat)}</title>${escapeHtml(short.text + (short.truncated ? '…' : ''))}</text>`;
    o.series.forEach((s, si) => {
      const v = o.values[ci]?.[si] ?? null;
      if (v === null || !Number.isFinite(v)) return;
      const y = top + si * barH;
      const color = o.series.length === 1 && o.categoryColors ? o.categoryColors[ci] : s.color;
      const w = Math.max(0, x(v) - p.left);
      body += `<rect class="bar" x="${p.left}" y="${px(y)}" width="${px(w)}" height="${px(barH - 1)}" fill="${color}">`
        + `<title>${escapeHtml(`${cat} — ${s.label}: ${fmt(v)}`)}</title></rect>`
        + `<text class="value" x="${px(p.left + w + 3)}" y="${px(y + barH / 2)}" dominant-baseline="middle">${escapeHtml(fmt(v))}</text>`;
    });
  });
  const legend: LegendItem[] = o.series.length > 1 ? o.series.map((s) => ({ label: s.label, color: s.color, dot: true })) : [];
  return figure(o.id, o.title, p, body, legend, o.note);
}
