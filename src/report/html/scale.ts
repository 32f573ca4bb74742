/** Axis scales and "nice" ticks for the SVG charts. */

export interface Scale {
  /** Data value -> pixel. */
  (v: number): number;
  readonly ticks: number[];
  readonly log: boolean;
}

/** Step of about `span / count` rounded to 1, 2 or 5 x 10^k. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Domain widened to nice tick boundaries, and the ticks in it. Handles empty and zero-width domains. */
export function niceDomain(lo: number, hi: number, count = 5): { lo: number; hi: number; ticks: number[] } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { lo: 0, hi: 1, ticks: [0, 0.5, 1] };
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.5;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const nlo = Math.floor(lo / step) * step;
  const nhi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  // Index-based so float steps do not accumulate error.
  const n = Math.round((nhi - nlo) / step);
  for (let i = 0; i <= n; i++) ticks.push(roundTo(nlo + i * step, step));
  return { lo: nlo, hi: nhi, ticks };
}

function roundTo(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(digits, 12)));
}

export function linearScale(lo: number, hi: number, px0: number, px1: number, tickCount = 5): Scale {
  const d = niceDomain(lo, hi, tickCount);
  const k = (px1 - px0) / (d.hi - d.lo);
  const f = ((v: number) => px0 + (v - d.lo) * k) as Scale;
  return Object.assign(f, { ticks: d.ticks, log: false });
}

/** Log10 scale over whole decades; `lo` must be > 0. Ticks at 1, 2, 5 x 10^k when few decades. */
export function logScale(lo: number, hi: number, px0: number, px1: number): Scale {
  const dlo = Math.floor(Math.log10(lo));
  let dhi = Math.ceil(Math.log10(hi));
  if (dhi === dlo) dhi++;
  const k = (px1 - px0) / (dhi - dlo);
  const f = ((v: number) => px0 + (Math.log10(Math.max(v, Math.pow(10, dlo))) - dlo) * k) as Scale;
  const ticks: number[] = [];
  const mults = dhi - dlo <= 3 ? [1, 2, 5] : [1];
  for (let e = dlo; e <= dhi; e++) {
    for (const m of mults) {
      const v = Number((m * Math.pow(10, e)).toPrecision(3));
      if (e === dhi && m > 1) break;
      ticks.push(v);
    }
  }
  return Object.assign(f, { ticks, log: true });
}

/**
 * Log scale when the positive values span more than `ratio` (e.g. a fast and a slow model on one
 * latency chart), else linear from 0 (or from the minimum when it is negative).
 */
export function autoScale(lo: number, hi: number, px0: number, px1: number, ratio = 50): Scale {
  if (lo > 0 && hi / lo > ratio) return logScale(lo, hi, px0, px1);
  return linearScale(Math.min(0, lo), hi, px0, px1);
}

/** Compact tick label: 0, 0.05, 12, 1.5k, 2M. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (a >= 1) return trim(v);
  return String(Number(v.toPrecision(3)));
}

function trim(v: number): string {
  return String(Number(v.toFixed(2)));
}

/** Pixel coordinate for SVG output: one decimal keeps files small and lines smooth. */
export function px(v: number): string {
  return String(Math.round(v * 10) / 10);
}
