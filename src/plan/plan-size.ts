import { InputError } from '../errors/input-error.ts';
import { SuiteError } from '../errors/suite-error.ts';
import { suiteIssueAt } from '../suite/suite-position.ts';
import type { Suite } from '../suite/types.ts';

/**
 * Most jobs one plan may hold unless raised with `--max-jobs`. A run writes one row per job,
 * skipped ones included: `repeats: 1e9` would otherwise validate, then write gigabytes of rows.
 */
export const DEFAULT_MAX_JOBS = 1_000_000;

export interface PlanFactors {
  cases: number;
  models: number;
  efforts: number;
  repeats: number;
  /** True when the repeat count came from `--repeats`, not the suite. */
  repeatsFromFlag: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Throws (exit 2) when cases x models x efforts x repeats is above `maxJobs`, naming each factor,
 * at the suite's `repeats` (or `cases`) line, or naming `--repeats` when the flag set it.
 */
export function checkPlanSize(suite: Pick<Suite, 'file' | 'repeats'>, f: PlanFactors, maxJobs = DEFAULT_MAX_JOBS): void {
  const total = f.cases * f.models * f.efforts * f.repeats;
  if (total <= maxJobs) return;
  const product =
    `${plural(f.cases, 'case')} × ${plural(f.models, 'model')} × ${plural(f.efforts, 'effort')} × ${plural(f.repeats, 'repeat')} = ${total} jobs`;
  const fix = `lower it, or raise the limit with --max-jobs ${total} if the run is meant to be that large`;
  const message = `the plan has ${product}, above the limit of ${maxJobs} jobs: ${fix}`;
  if (f.repeatsFromFlag) throw new InputError('PLAN_TOO_LARGE', `--repeats ${f.repeats}: ${message}`);
  const at = suite.repeats !== undefined && f.repeats > 1 ? ['repeats'] : ['cases'];
  throw new SuiteError([suiteIssueAt(suite, at, message)]);
}
