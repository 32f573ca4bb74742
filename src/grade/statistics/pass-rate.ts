import type { ResultRow } from '../../results/result-row.ts';
import { clusterBootstrapMeanInterval, type BootstrapOptions, type MeanInterval } from './bootstrap.ts';
import { clusteredProportion, type ClusteredProportion } from './clustered.ts';

/**
 * THE definition of the pass rate and the mean score. Every figure of either (console headline
 * and tables, summary.json/md, junit.xml, report.html, gates) is computed here.
 *
 * - Every attempted (case, repeat) of a graded case counts. A case is graded when any row of the
 *   run carries a pass/fail for it (the runner marks every row of a case with assertions, failed
 *   requests and budget-skipped jobs included).
 * - An error, a timeout or a budget skip on a graded case is a failure (passed false, score 0);
 *   they are counted apart too (`errors_as_failures`, `skipped_as_failures`), never left out.
 * - Rows cut off by the end of a --duration run (error_type `incomplete`) are the harness
 *   stopping, not an attempt at the case: they are left out.
 * - Cases are the independent units: the interval is clustered by case when a case has repeats.
 */

/** The fields of a result row the definition reads. */
export type OutcomeRow = Pick<ResultRow, 'case_id' | 'status' | 'passed' | 'score'> & {
  error_type?: string | null;
};

/** Case ids that some row of the run grades (pass/fail) or scores. */
export interface GradedCases {
  graded: Set<string>;
  scored: Set<string>;
}

export function gradedCasesOf(rows: Iterable<OutcomeRow>): GradedCases {
  const graded = new Set<string>();
  const scored = new Set<string>();
  for (const r of rows) {
    if (r.error_type === 'incomplete') continue;
    if (typeof r.passed === 'boolean') graded.add(r.case_id);
    if (typeof r.score === 'number') scored.add(r.case_id);
  }
  return { graded, scored };
}

/** The row's pass/fail in the pass rate; undefined = not part of it. */
export function passOutcome(row: OutcomeRow, cases: GradedCases): boolean | undefined {
  if (row.error_type === 'incomplete') return undefined;
  if (row.status !== 'ok') return cases.graded.has(row.case_id) || typeof row.passed === 'boolean' ? false : undefined;
  return typeof row.passed === 'boolean' ? row.passed : undefined;
}

/** The row's score in the mean score; undefined = not part of it. */
export function scoreOutcome(row: OutcomeRow, cases: GradedCases): number | undefined {
  if (row.error_type === 'incomplete') return undefined;
  if (row.status !== 'ok') return cases.scored.has(row.case_id) || typeof row.score === 'number' ? 0 : undefined;
  return typeof row.score === 'number' && Number.isFinite(row.score) ? row.score : undefined;
}

/** One counted outcome: a (case, repeat) of a graded case. */
export interface PassOutcome {
  case_id: string;
  passed: boolean;
  status: ResultRow['status'];
}

export interface PassRate extends ClusteredProportion {
  passes: number;
  /** Outcomes in the denominator: every attempted (case, repeat) of a graded case (= n). */
  graded: number;
  /** Failed requests counted as failures (part of `graded`). */
  errors_as_failures: number;
  /** Skipped jobs (e.g. budget) counted as failures (part of `graded`). */
  skipped_as_failures: number;
}

/** The pass rate of some outcomes, with its 95% interval; null when there are none. */
export function passRate(outcomes: readonly PassOutcome[]): PassRate | null {
  if (outcomes.length === 0) return null;
  const byCase = new Map<string, boolean[]>();
  let passes = 0;
  let errors = 0;
  let skipped = 0;
  for (const o of outcomes) {
    if (o.passed) passes++;
    if (o.status === 'error') errors++;
    if (o.status === 'skipped') skipped++;
    let list = byCase.get(o.case_id);
    if (!list) byCase.set(o.case_id, (list = []));
    list.push(o.passed);
  }
  // Cases in id order and repeats in a fixed order: the floating-point sums (and so the digits
  // written) must not depend on the order rows finished in, or were merged.
  const interval = clusteredProportion([...byCase.keys()].sort().map((k) => [...byCase.get(k)!].sort()));
  return { ...interval, passes, graded: outcomes.length, errors_as_failures: errors, skipped_as_failures: skipped };
}

export interface MeanScore extends MeanInterval {
  /** Cases (independent units) behind the mean. */
  cases: number;
}

/** Mean score with a case-level bootstrap 95% interval; null without scores. */
export function meanScore(outcomes: readonly { case_id: string; score: number }[], boot: BootstrapOptions): MeanScore | null {
  if (outcomes.length === 0) return null;
  const byCase = new Map<string, { sum: number; n: number }>();
  for (const o of outcomes) {
    const c = byCase.get(o.case_id);
    if (c) {
      c.sum += o.score;
      c.n++;
    } else byCase.set(o.case_id, { sum: o.score, n: 1 });
  }
  // In case-id order, so the interval does not depend on the order rows finished in (or were merged).
  const clusters = [...byCase.keys()].sort().map((k) => byCase.get(k)!);
  return { ...clusterBootstrapMeanInterval(clusters, boot), cases: byCase.size };
}
