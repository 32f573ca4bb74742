/** Axis scales and "nice" ticks for the SVG charts. */

export interface Scale {
  /** Data value -> pixel. */
  (v: number): number;
  readonly ticks: number[];
  readonly log: boolean;
  /** The axis does not start at zero although the data are all of one sign: draw a break mark. */
  readonly broken: boolean;
}

/** An axis before it is laid out: its range and ticks depend on the data only, never on pixels. */
export interface Domain {
  lo: number;
  hi: number;
  ticks: number[];
  log: boolean;
  broken: boolean;
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
  // The epsilon keeps 0.7 / 0.05 = 13.999… on its tick; rounding keeps the bounds equal to their ticks.
  const nlo = roundTo(Math.floor(lo / step + 1e-9) * step, step);
  const nhi = roundTo(Math.ceil(hi / step - 1e-9) * step, step);
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

/** Pixel mapping of a laid-out domain. */
export function scaleOf(d: Domain, px0: number, px1: number): Scale {
  let f: (v: number) => number;
  if (d.log) {
    const l0 = Math.log10(d.lo);
    const k = (px1 - px0) / (Math.log10(d.hi) - l0);
    f = (v) => px0 + (Math.log10(Math.max(v, d.lo)) - l0) * k;
  } else {
    const k = (px1 - px0) / (d.hi - d.lo);
    f = (v) => px0 + (v - d.lo) * k;
  }
  return Object.assign(f, { ticks: d.ticks, log: d.log, broken: d.broken });
}

/** Linear axis over nice bounds around [lo, hi] exactly as given (bars: always from zero). */
export function linearDomain(lo: number, hi: number, tickCount = 5): Domain {
  return { ...niceDomain(lo, hi, tickCount), log: false, broken: false };
}

/**
 * Linear axis chosen from the data. It starts at zero when that leaves at most a third of the
 * axis empty; otherwise it hugs the data (5% margin, nice bounds) so close values are told
 * apart, e.g. pass rates of 82% and 91%, and `broken` asks for a visible break mark. `bounds`
 * caps the axis where values cannot go (pass rates: [0, 1]).
 */
export function dataDomain(lo: number, hi: number, bounds?: [number, number], tickCount = 5): Domain {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return linearDomain(0, 1, tickCount);
  if (hi < lo) [lo, hi] = [hi, lo];
  const sameSign = lo > 0 || hi < 0;
  const near = Math.min(Math.abs(lo), Math.abs(hi));
  const far = Math.max(Math.abs(lo), Math.abs(hi));
  if (!sameSign || near <= far / 3) {
    return linearDomain(Math.min(0, lo), Math.max(0, hi), tickCount);
  }
  const pad = hi > lo ? (hi - lo) * 0.05 : far * 0.1;
  let plo = lo - pad;
  let phi = hi + pad;
  // Padding never carries the axis across zero: then it simply starts there.
  if (lo > 0) plo = Math.max(0, plo);
  if (hi < 0) phi = Math.min(0, phi);
  if (bounds) {
    plo = Math.max(bounds[0], plo);
    phi = Math.min(bounds[1], phi);
  }
  const d = niceDomain(plo, phi, tickCount);
  if (bounds) {
    d.lo = Math.max(bounds[0], d.lo);
    d.hi = Math.min(bounds[1], d.hi);
    d.ticks = d.ticks.filter((t) => t >= d.lo && t <= d.hi);
  }
  return { ...d, log: false, broken: d.lo > 0 || d.hi < 0 };
}

/** Log10 axis over whole decades; `lo` must be > 0. Ticks at 1, 2, 5 x 10^k when few decades. */
export function logDomain(lo: number, hi: number): Domain {
  const dlo = Math.floor(Math.log10(lo));
  let dhi = Math.ceil(Math.log10(hi));
  if (dhi === dlo) dhi++;
  const ticks: number[] = [];
  const mults = dhi - dlo <= 3 ? [1, 2, 5] : [1];
  for (let e = dlo; e <= dhi; e++) {
    for (const m of mults) {
      const v = Number((m * Math.pow(10, e)).toPrecision(3));
      if (e === dhi && m > 1) break;
      ticks.push(v);
    }
  }
  return { lo: Math.pow(10, dlo), hi: Math.pow(10, dhi), ticks, log: true, broken: false };
}

/**
 * Log axis when the positive values span more than `ratio` (e.g. a fast and a slow model on one
 * latency chart), else the linear axis `dataDomain` picks.
 */
export function autoDomain(lo: number, hi: number, ratio = 50): Domain {
  if (lo > 0 && hi / lo > ratio) return logDomain(lo, hi);
  return dataDomain(lo, hi);
}

export function linearScale(lo: number, hi: number, px0: number, px1: number, tickCount = 5): Scale {
  return scaleOf(linearDomain(lo, hi, tickCount), px0, px1);
}

export function logScale(lo: number, hi: number, px0: number, px1: number): Scale {
  return scaleOf(logDomain(lo, hi), px0, px1);
}

/**
 * Width in pixels that a label of system-ui at `fontPx` takes at most, for laying out margins
 * at build time (no browser to measure in): about 0.62 em a character, narrow punctuation less.
 * Generous on purpose: the Chromium test checks every label against the real glyphs.
 */
export function textWidth(text: string, fontPx = 11): number {
  let em = 0;
  for (const ch of text) em += ch === '.' || ch === ',' || ch === ' ' || ch === ':' ? 0.36 : /[mwMW%@]/.test(ch) ? 0.95 : 0.64;
  return em * fontPx;
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
