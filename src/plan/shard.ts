import { createHash } from 'node:crypto';
import { InputError } from '../errors/input-error.ts';

/** One slice of a sharded run: shard `index` (1-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

const SHARD_TEXT = /^\s*(\d+)\s*\/\s*(\d+)\s*$/;

/**
 * Parse `--shard i/n` (1-based i, 1 <= i <= n). Throws InputError BAD_SHARD for anything else
 * (0/4, 5/4, 1/0, 1.5/4, "2", "-1/3").
 */
export function parseShard(text: string): ShardSpec {
  const m = SHARD_TEXT.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new InputError(
      'BAD_SHARD',
      `bad --shard \`${text}\`: expected i/n with whole numbers 1 <= i <= n, e.g. 2/4 for the second of four shards`,
    );
  }
  return { index, count };
}

/**
 * The jobs of shard `index` (1-based) of `count`: a deterministic slice by job id, the same on
 * every machine whatever the input order. Jobs are ranked by a hash of their id and shard i takes
 * ranks i-1, i-1+n, i-1+2n, ...: every job lands in exactly one shard, shard sizes differ by at
 * most one, and each shard gets a random mix of cases and models (so no shard is all slow model).
 * The selected jobs keep their input (plan) order. Throws InputError BAD_SHARD on a bad index/count.
 */
export function shardJobs<T extends { id: string }>(jobs: readonly T[], index: number, count: number): T[] {
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 1 || index > count) {
    throw new InputError('BAD_SHARD', `bad shard ${index}/${count}: expected whole numbers 1 <= i <= n`);
  }
  if (count === 1) return [...jobs];
  const ranked = jobs.map((job, pos) => ({ pos, id: job.id, h: idHash(job.id) }));
  // Ties (equal hashes, or duplicate ids) fall back to the id itself, then input position.
  ranked.sort((a, b) => cmp(a.h, b.h) || cmp(a.id, b.id) || a.pos - b.pos);
  const keep = new Uint8Array(jobs.length);
  for (let r = index - 1; r < ranked.length; r += count) keep[ranked[r].pos] = 1;
  return jobs.filter((_, pos) => keep[pos] === 1);
}

/** Job ids are already hashes, but any string id works: hashing again mixes sequential ids. */
function idHash(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
