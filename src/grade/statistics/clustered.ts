import { errorFunction } from 'simple-statistics';
import { wilsonBounds, Z_95, type ProportionInterval } from './wilson-interval.ts';

/**
 * Statistics for outcomes clustered by case: repeats of one case share its difficulty, so they
 * are not independent observations and the case is the independent unit.
 */

/** Outcomes (0/1 or scores) of one case. */
export type CaseValues = readonly number[];

/**
 * Cluster-robust standard error of the pooled mean, as inspect_ai's `stderr(cluster=...)`
 * (src/inspect_ai/scorer/_metrics/std.py): with N values in G clusters and mean m,
 * SE = sqrt(G / (G - 1) * sum_g (sum_{i in g} (x_i - m))^2) / N. NaN with fewer than 2 clusters.
 */
export function clusteredStderr(cases: readonly CaseValues[]): number {
  const used = cases.filter((c) => c.length > 0);
  const g = used.length;
  let n = 0;
  let total = 0;
  for (const c of used) for (const x of c) {
    n++;
    total += x;
  }
  if (g < 2) return NaN;
  const mean = total / n;
  let s = 0;
  for (const c of used) {
    let dev = 0;
    for (const x of c) dev += x - mean;
    s += dev * dev;
  }
  return Math.sqrt((s * g) / (g - 1)) / n;
}

export interface ClusteredProportion extends ProportionInterval {
  /** Cases (independent units). */
  cases: number;
  /** Outcomes: attempted (case, repeat) pairs. */
  n: number;
  /** Cluster-robust standard error of the estimate; null with one outcome per case or fewer than 2 cases. */
  stderr: number | null;
  /** Variance of the clustered estimate over the binomial variance p(1-p)/n, at least 1 (Kish 1965). */
  design_effect: number;
  /** n / design_effect: the sample size the interval is computed at. */
  effective_n: number;
  method: 'wilson' | 'clustered-wilson';
}

/**
 * Pass rate with a 95% interval that respects repeats. One outcome per case: the plain Wilson
 * interval. Several: the Wilson interval at the effective sample size n / deff, where the design
 * effect deff is the clustered variance (clusteredStderr squared) over p(1-p)/n — the
 * effective-sample-size approach of Korn & Graubard (1998, Survey Methodology 24:193-201) for
 * proportions from clustered samples. deff is kept at >= 1 (repeats of a case do not make each
 * other more independent); at p = 0 or 1 nothing estimates it, so every case counts once (n_eff = cases).
 */
export function clusteredProportion(cases: readonly (readonly boolean[])[]): ClusteredProportion {
  const used = cases.filter((c) => c.length > 0);
  let n = 0;
  let passes = 0;
  for (const c of used) for (const p of c) {
    n++;
    if (p) passes++;
  }
  const g = used.length;
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN, cases: 0, n: 0, stderr: null, design_effect: 1, effective_n: 0, method: 'wilson' };
  const p = passes / n;
  if (n === g) {
    const { low, high } = wilsonBounds(p, n, Z_95);
    return { estimate: p, low, high, cases: g, n, stderr: null, design_effect: 1, effective_n: n, method: 'wilson' };
  }
  const se = clusteredStderr(used.map((c) => c.map((x) => (x ? 1 : 0))));
  const binomialVar = (p * (1 - p)) / n;
  let deff = n / g;
  if (binomialVar > 0 && Number.isFinite(se)) deff = Math.max(1, (se * se) / binomialVar);
  const effective = n / deff;
  const { low, high } = wilsonBounds(p, effective, Z_95);
  return {
    estimate: p, low, high, cases: g, n, stderr: Number.isFinite(se) ? se : null,
    design_effect: deff, effective_n: effective, method: 'clustered-wilson',
  };
}

/** Discordant pairs of one case: A passed / B failed (b) and the reverse (c). */
export interface DiscordantCounts {
  b: number;
  c: number;
}

/**
 * McNemar test for clustered matched pairs (Durkalski, Palesch, Lipsitz & Rust 2003, Stat Med
 * 22:2417-2428): X^2 = (sum_k (b_k - c_k))^2 / sum_k (b_k - c_k)^2, referred to chi-square with
 * 1 df. With one pair per case it is McNemar's (b - c)^2 / (b + c). No discordance: p = 1.
 */
export function clusteredMcNemar(cases: readonly DiscordantCounts[]): { statistic: number; p_value: number } {
  let num = 0;
  let den = 0;
  for (const { b, c } of cases) {
    num += b - c;
    den += (b - c) * (b - c);
  }
  if (den === 0) return { statistic: 0, p_value: 1 };
  const statistic = (num * num) / den;
  // P(chi2_1 > x) = P(|Z| > sqrt(x)) = erfc(sqrt(x / 2)).
  return { statistic, p_value: Math.min(1, Math.max(0, 1 - errorFunction(Math.sqrt(statistic / 2)))) };
}
