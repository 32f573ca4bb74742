/**
 * Exact McNemar test (McNemar 1947; the exact form is a sign test on the discordant pairs):
 * b = pairs where A passed and B failed, c = pairs where A failed and B passed. Under "no
 * difference" each discordant pair is a fair coin, so X ~ Binomial(b + c, 1/2) and the two-sided
 * p-value is min(1, 2 * P(X <= min(b, c))) — the same as R's `binom.test(min(b, c), b + c)$p.value`
 * (which, for p = 1/2, doubles the smaller tail) and `mcnemar.exact` in R's exact2x2.
 * No discordant pairs (b + c = 0): p = 1.
 */
export function exactMcNemar(b: number, c: number): number {
  for (const [name, v] of [['b', b], ['c', c]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  }
  const n = b + c;
  if (n === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n));
}

/**
 * P(X <= k) for X ~ Binomial(n, 1/2), k <= n/2. Summed in log space: C(n, i) / 2^n under- and
 * overflows doubles for n in the low thousands, but its log does not. Terms rise with i up to
 * k <= n/2, so the last is the largest; scaling by it keeps the sum exact to rounding.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const logs = new Float64Array(k + 1);
  let log = -n * Math.LN2; // log C(n, 0) / 2^n
  logs[0] = log;
  for (let i = 0; i < k; i++) {
    log += Math.log(n - i) - Math.log(i + 1); // C(n, i+1) = C(n, i) * (n - i) / (i + 1)
    logs[i + 1] = log;
  }
  let max = -Infinity;
  for (const l of logs) if (l > max) max = l;
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - max);
  return Math.min(1, Math.exp(max + Math.log(sum)));
}
