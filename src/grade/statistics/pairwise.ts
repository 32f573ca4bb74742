import { pairedClusterBootstrapDiff, type BootstrapOptions, type Cluster, type PairedDiff } from './bootstrap.ts';
import { clusteredMcNemar, type DiscordantCounts } from './clustered.ts';
import { exactMcNemar } from './mcnemar.ts';
import { casesForPower } from './sample-size.ts';

/** One (case, repeat) outcome of a configuration, as the paired comparison reads it. */
export interface PairOutcome {
  case_id: string;
  passed: boolean | undefined;
  score: number | undefined;
}

export interface PassComparison {
  /** Pairs (same case and repeat) graded in both configurations. */
  n: number;
  /** Cases behind the pairs: the independent units. */
  cases: number;
  both_pass: number;
  /** A passed, B failed (McNemar's b). */
  a_only: number;
  /** A failed, B passed (McNemar's c). */
  b_only: number;
  both_fail: number;
  /** Pass rate of A minus pass rate of B over the pairs, with a case-level paired-bootstrap 95% interval. */
  diff: number;
  low: number;
  high: number;
  /**
   * Unadjusted p-value: exact McNemar with one pair per case; with repeats, the clustered
   * McNemar test of Durkalski et al. (2003), which aggregates discordance per case.
   */
  p_value: number;
  test: 'exact-mcnemar' | 'clustered-mcnemar';
  /**
   * Cases needed to detect the observed difference at 80% power (two-sided 5%), from the spread
   * of the per-case differences; null when there is no difference.
   */
  cases_for_80_power: number | null;
}

export interface ScoreComparison extends PairedDiff {
  cases: number;
  cases_for_80_power: number | null;
}

interface CasePairs extends DiscordantCounts {
  n: number;
  passDiffSum: number;
  scoreN: number;
  scoreDiffSum: number;
}

/**
 * Paired comparison of two configurations on the (case, repeat) pairs both answered. Repeats of a
 * case are correlated, so everything is aggregated per case: the bootstrap resamples cases, the
 * test sums discordance per case, the sample size counts cases.
 */
export function comparePairs(
  a: ReadonlyMap<string, PairOutcome>,
  b: ReadonlyMap<string, PairOutcome>,
  boot: BootstrapOptions,
): { pass: PassComparison | null; score: ScoreComparison | null } {
  const perCase = new Map<string, CasePairs>();
  let bothPass = 0;
  let bothFail = 0;
  for (const [pairKey, oa] of a) {
    const ob = b.get(pairKey);
    if (!ob) continue;
    let c = perCase.get(oa.case_id);
    if (!c) perCase.set(oa.case_id, (c = { n: 0, b: 0, c: 0, passDiffSum: 0, scoreN: 0, scoreDiffSum: 0 }));
    if (oa.passed !== undefined && ob.passed !== undefined) {
      c.n++;
      if (oa.passed && ob.passed) bothPass++;
      else if (oa.passed) c.b++;
      else if (ob.passed) c.c++;
      else bothFail++;
      c.passDiffSum += Number(oa.passed) - Number(ob.passed);
    }
    if (oa.score !== undefined && ob.score !== undefined) {
      c.scoreN++;
      c.scoreDiffSum += oa.score - ob.score;
    }
  }
  // In case-id order: the bootstrap must not depend on the order rows finished in (or were merged).
  const cases = [...perCase.keys()].sort().map((k) => perCase.get(k)!);
  return { pass: passComparison(cases, bothPass, bothFail, boot), score: scoreComparison(cases, boot) };
}

function passComparison(all: CasePairs[], bothPass: number, bothFail: number, boot: BootstrapOptions): PassComparison | null {
  const cases = all.filter((c) => c.n > 0);
  if (cases.length === 0) return null;
  const clusters: Cluster[] = cases.map((c) => ({ sum: c.passDiffSum, n: c.n }));
  const d = pairedClusterBootstrapDiff(clusters, boot);
  const aOnly = cases.reduce((t, c) => t + c.b, 0);
  const bOnly = cases.reduce((t, c) => t + c.c, 0);
  const repeated = cases.some((c) => c.n > 1);
  return {
    n: d.n,
    cases: cases.length,
    both_pass: bothPass,
    a_only: aOnly,
    b_only: bOnly,
    both_fail: bothFail,
    diff: (aOnly - bOnly) / d.n,
    low: d.low,
    high: d.high,
    p_value: repeated ? clusteredMcNemar(cases).p_value : exactMcNemar(aOnly, bOnly),
    test: repeated ? 'clustered-mcnemar' : 'exact-mcnemar',
    cases_for_80_power: casesForPower(cases.map((c) => c.passDiffSum / c.n)),
  };
}

function scoreComparison(all: CasePairs[], boot: BootstrapOptions): ScoreComparison | null {
  const cases = all.filter((c) => c.scoreN > 0);
  if (cases.length === 0) return null;
  const d = pairedClusterBootstrapDiff(cases.map((c) => ({ sum: c.scoreDiffSum, n: c.scoreN })), boot);
  return { ...d, cases: cases.length, cases_for_80_power: casesForPower(cases.map((c) => c.scoreDiffSum / c.scoreN)) };
}
