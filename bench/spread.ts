import { fmt } from './table.ts';

/** One number measured once per round: its median and range over the rounds. */
export interface Spread {
  median: number | null;
  min: number | null;
  max: number | null;
  /** Each round's value, in round order (null: that round measured nothing). */
  rounds: (number | null)[];
}

export function spread(rounds: readonly (number | null)[]): Spread {
  const xs = rounds.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return { median: null, min: null, max: null, rounds: [...rounds] };
  const m = xs.length >> 1;
  const median = xs.length % 2 === 1 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
  return { median, min: xs[0], max: xs[xs.length - 1], rounds: [...rounds] };
}

/** "1.23 [0.98–1.50]": median with the range over rounds; `sign` adds a + to positive numbers. */
export function fmtSpread(s: Spread, digits = 2, unit = '', sign = false): string {
  const f = (v: number | null) => (v === null ? '-' : `${sign && v > 0 ? '+' : ''}${fmt(v, digits)}`);
  return `${f(s.median)}${unit} [${f(s.min)}–${f(s.max)}]`;
}

/** a / b, null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null || b === 0 ? null : a / b;
}
