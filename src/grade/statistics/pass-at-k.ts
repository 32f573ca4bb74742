/**
 * Repeat statistics of one case: n attempts (repeats), c of them passed.
 *
 * pass@k (Chen et al. 2021, "Evaluating Large Language Models Trained on Code", eq. 1): the
 * probability that at least one of k attempts passes, estimated without bias from n attempts as
 * 1 - C(n-c, k) / C(n, k). Computed as the paper's numerically stable product
 * 1 - prod_{i=n-c+1..n} (1 - k/i), which never forms a large binomial coefficient.
 *
 * pass^k (Yao et al. 2024, tau-bench): the probability that all k attempts pass,
 * C(c, k) / C(n, k) = prod_{i=0..k-1} (c - i) / (n - i).
 */
export function passAtK(n: number, c: number, k: number): number {
  checkArgs(n, c, k);
  if (n - c < k) return 1; // every k-subset contains a pass
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
  return 1 - allFail;
}

export function passHatK(n: number, c: number, k: number): number {
  checkArgs(n, c, k);
  if (c < k) return 0;
  let allPass = 1;
  for (let i = 0; i < k; i++) allPass *= (c - i) / (n - i);
  return allPass;
}

/** A case is flaky when its repeats disagree: at least one pass and at least one fail. */
export function isFlaky(outcomes: readonly boolean[]): boolean {
  let pass = false;
  let fail = false;
  for (const o of outcomes) {
    if (o) pass = true;
    else fail = true;
    if (pass && fail) return true;
  }
  return false;
}

export interface RepeatStats {
  /** Graded attempts. */
  n: number;
  passes: number;
  passRate: number;
  /** The k used; null (and pass@k/pass^k null) when n < k. */
  k: number | null;
  passAtK: number | null;
  passHatK: number | null;
  flaky: boolean;
}

/** Pass rate, pass@k, pass^k and flakiness of one case's repeats. k defaults to n (all repeats). */
export function repeatStats(outcomes: readonly boolean[], k: number = outcomes.length): RepeatStats {
  const n = outcomes.length;
  let passes = 0;
  for (const o of outcomes) if (o) passes++;
  const usable = n > 0 && k >= 1 && k <= n;
  return {
    n,
    passes,
    passRate: n === 0 ? NaN : passes / n,
    k: usable ? k : null,
    passAtK: usable ? passAtK(n, passes, k) : null,
    passHatK: usable ? passHatK(n, passes, k) : null,
    flaky: isFlaky(outcomes),
  };
}

function checkArgs(n: number, c: number, k: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!Number.isInteger(c) || c < 0 || c > n) throw new RangeError(`c must be an integer in [0, n=${n}], got ${c}`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`k must be an integer in [1, n=${n}], got ${k}`);
}
