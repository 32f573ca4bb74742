import { createHash } from 'node:crypto';
import { EVALBENCH_VERSION } from '../version.ts';
import type { Plan } from './plan-jobs.ts';

/** Marks the fingerprint scheme: a change to what is hashed must change this too. */
const SCHEME = 'evalbench-plan-v1';

/**
 * A hash of the resolved plan: every job's case, model, effort, repeat, rendered messages,
 * request options (sampling params, stream, timeout), assertions and vars, in plan order, plus the
 * evalbench version. Shards of one run share it; a changed prompt, model list, effort, repeat
 * count, option or evalbench release changes it, so `merge` can refuse to join unlike runs.
 * Streams the jobs (memory flat in their number). 'sha256:' + 64 hex digits.
 */
export function planFingerprint(plan: Pick<Plan, 'jobs'>, version: string = EVALBENCH_VERSION): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([SCHEME, version]));
  for (const job of plan.jobs()) {
    h.update('\n');
    h.update(JSON.stringify([
      job.id, job.suite, job.caseId, job.provider, job.model, job.reasoningEffort, job.repeat,
      job.messages, job.params, job.stream, job.timeoutMs, job.assert, job.vars, job.threshold ?? null,
    ]));
  }
  return `sha256:${h.digest('hex')}`;
}
