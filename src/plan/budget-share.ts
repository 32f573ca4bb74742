import type { ShardSpec } from './shard.ts';

export interface PlannedJobs {
  /** Jobs in this shard. */
  inShard: number;
  /** Jobs in the whole (unsharded) plan. */
  inRun: number;
}

/**
 * The part of a whole-run budget one shard may use: `total` x (its planned jobs / the run's planned
 * jobs). Shards are balanced to within one job and mix models by job-id hash, so this is close to
 * total / n, and the shares of all n shards add up to at most `total` (the budgets --max-cost,
 * --max-tokens, --max-requests given with a shard are the whole run's). `integer` (token and
 * request counts) rounds down, so the integer shares never add up to more than the total either.
 * A plan with no jobs falls back to an even split.
 */
export function budgetShare(total: number, shard: ShardSpec, planned: PlannedJobs, options: { integer?: boolean } = {}): number {
  const fraction = planned.inRun > 0 ? planned.inShard / planned.inRun : 1 / shard.count;
  const share = total * Math.min(1, Math.max(0, fraction));
  return options.integer ? Math.floor(share + 1e-9) : share;
}
