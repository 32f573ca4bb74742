import { EvalbenchError, EXIT } from '../errors/index.ts';
import { InputError } from '../errors/input-error.ts';
import type { RunRecord } from './run-record.ts';

/** What a merge says about the shards it joined (summary.json `shards`). */
export interface ShardSetSummary {
  plan_fingerprint: string;
  /** Distinct shards merged, and how many the run had. */
  merged: number;
  of: number;
  /** 1-based shard indexes not among the folders (empty for a complete set). */
  missing: number[];
  /** Shards given in more than one folder (their rows are deduplicated by job id). */
  duplicated: number[];
  /** Whole-run budgets against what the merged rows cost; null when no shard had a budget. */
  budget: { max_cost_usd: number; spent_usd: number | null } | null;
  /** Clocks of the shards against the provider; null when no shard measured one. */
  clock: ClockSpread | null;
}

export interface ClockSpread {
  /** Shards with a measured offset. */
  measured: number;
  /** Largest minus smallest offset: how far apart the shards' clocks read. */
  offset_spread_ms: number;
  /**
   * Bound on how far the union window's ends can be off from one shared clock: the spread plus
   * the two largest measurement uncertainties (Date has 1 s steps). Unknown shards make it null.
   */
  uncertainty_ms: number | null;
}

/** An incomplete set of shards (exit 1): merging it would silently shrink the run. */
export class MergeIncompleteError extends EvalbenchError {
  constructor(message: string) {
    super('MERGE_INCOMPLETE', message, EXIT.gateFailed);
  }
}

export interface RecordedDir {
  dir: string;
  record: RunRecord | null;
}

/**
 * Checks that the folders are shards of one plan and whether every shard is there.
 * - different plan fingerprints or shard counts, or recorded folders mixed with unrecorded ones:
 *   InputError MERGE_PLAN_MISMATCH (exit 2), naming the folders of each side;
 * - a missing shard: MergeIncompleteError (exit 1) naming it, unless `allowPartial`.
 * Returns null when no folder has a run.json (older run folders: nothing to check).
 */
export function checkShardSet(dirs: readonly RecordedDir[], options: { allowPartial?: boolean } = {}): Omit<ShardSetSummary, 'budget' | 'clock'> | null {
  const recorded = dirs.filter((d): d is { dir: string; record: RunRecord } => d.record !== null);
  if (recorded.length === 0) return null;
  if (recorded.length < dirs.length) {
    const bare = dirs.filter((d) => d.record === null).map((d) => `\`${d.dir}\``).join(', ');
    throw new InputError('MERGE_PLAN_MISMATCH', `${bare} has no run.json (no plan fingerprint, written by an older evalbench), the other folders do: run those shards again with this evalbench, or merge only the old folders`);
  }
  const byPlan = groupBy(recorded, (d) => `${d.record.plan_fingerprint} of ${d.record.shard.count}`);
  if (byPlan.size > 1) {
    const sides = [...byPlan.values()].map((ds) => {
      const r = ds[0].record;
      return `${ds.map((d) => `\`${d.dir}\``).join(', ')} (suite \`${r.suite}\`, ${r.shard.count} shards, evalbench ${r.evalbench_version}, plan ${r.plan_fingerprint.slice(0, 19)}…)`;
    });
    throw new InputError('MERGE_PLAN_MISMATCH', `these folders are not shards of one plan: ${sides.join(' vs ')}. A plan differs when its cases, models, efforts, repeats, request options or evalbench version do: merge only the shards of one run`);
  }
  const count = recorded[0].record.shard.count;
  const seen = groupBy(recorded, (d) => String(d.record.shard.index));
  const missing = range(count).filter((i) => !seen.has(String(i)));
  const duplicated = [...seen].filter(([, ds]) => ds.length > 1).map(([i]) => Number(i)).sort((a, b) => a - b);
  if (missing.length > 0 && !options.allowPartial) {
    throw new MergeIncompleteError(
      `incomplete set: ${seen.size} of ${count} shards; missing ${missing.map((i) => `shard ${i}/${count}`).join(', ')}`
        + (duplicated.length > 0 ? ` (and ${duplicated.map((i) => `shard ${i}/${count}`).join(', ')} given twice)` : '')
        + '. Add the missing folders, or pass --allow-partial to merge what is there (the summary then says which shards are missing)',
    );
  }
  return { plan_fingerprint: recorded[0].record.plan_fingerprint, merged: seen.size, of: count, missing, duplicated };
}

/** The whole-run cost budget the shards were given (they all carry the same total), or null. */
export function wholeRunCostBudget(records: readonly (RunRecord | null)[]): number | null {
  const totals = records.map((r) => r?.budgets.max_cost_usd?.total).filter((t): t is number => t !== undefined);
  return totals.length > 0 ? Math.max(...totals) : null;
}

/** How far apart the shards' clocks are (see ClockSpread); null when none was measured. */
export function clockSpread(records: readonly (RunRecord | null)[]): ClockSpread | null {
  const clocks = records.map((r) => r?.clock ?? null);
  const known = clocks.filter((c) => c !== null);
  if (known.length === 0) return null;
  const offsets = known.map((c) => c.offset_ms);
  const spread = Math.max(...offsets) - Math.min(...offsets);
  const u = known.map((c) => c.uncertainty_ms).sort((a, b) => b - a);
  return {
    measured: known.length,
    offset_spread_ms: spread,
    uncertainty_ms: known.length < clocks.length ? null : spread + u[0] + (u[1] ?? 0),
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) m.set(key(it), [...(m.get(key(it)) ?? []), it]);
  return m;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
