import { InputError } from '../errors/input-error.ts';
import { parseShard, type ShardSpec } from './shard.ts';

/** Where `--shard auto` found its index and count. */
export interface EnvShard extends ShardSpec {
  /** The engine, e.g. "GitLab CI" (for the run record and the log line). */
  source: string;
  /** The variables read, e.g. "CI_NODE_INDEX=2 CI_NODE_TOTAL=3". */
  variables: string;
}

interface EngineVars {
  source: string;
  index: string;
  count: string;
  /** 0 when the engine counts shards from 0, 1 when from 1. */
  base: 0 | 1;
}

/**
 * The engines `--shard auto` knows, in the order they are tried. EVALBENCH_SHARD comes first so a
 * user can override what an engine publishes; Kubernetes does not export the completion count,
 * so an Indexed Job sets EVALBENCH_SHARD_COUNT itself. The README's table lists the same rows.
 */
export const SHARD_ENGINES: readonly EngineVars[] = [
  { source: 'EVALBENCH_SHARD', index: 'EVALBENCH_SHARD', count: 'EVALBENCH_SHARD_COUNT', base: 1 },
  { source: 'Kubernetes Indexed Job', index: 'JOB_COMPLETION_INDEX', count: 'EVALBENCH_SHARD_COUNT', base: 0 },
  { source: 'GitLab CI', index: 'CI_NODE_INDEX', count: 'CI_NODE_TOTAL', base: 1 },
  { source: 'CircleCI', index: 'CIRCLE_NODE_INDEX', count: 'CIRCLE_NODE_TOTAL', base: 0 },
  { source: 'Buildkite', index: 'BUILDKITE_PARALLEL_JOB', count: 'BUILDKITE_PARALLEL_JOB_COUNT', base: 0 },
];

const WHOLE = /^\s*\d+\s*$/;

/**
 * `--shard auto`: the index and count from the environment of the engine the run is on (the
 * first engine in SHARD_ENGINES whose index variable is set). Throws InputError:
 * SHARD_ENV_MISSING when none is set (naming every variable looked for), SHARD_ENV_BAD when the
 * values are not whole numbers in range (naming the variables and their values).
 */
export function shardFromEnv(env: Record<string, string | undefined>): EnvShard {
  for (const e of SHARD_ENGINES) {
    const rawIndex = env[e.index];
    if (rawIndex === undefined || rawIndex.trim() === '') continue;
    const rawCount = env[e.count];
    const variables = `${e.index}=${rawIndex} ${e.count}=${rawCount ?? '(unset)'}`;
    const bad = (why: string) => new InputError('SHARD_ENV_BAD', `--shard auto: ${e.source} environment ${variables}: ${why}`);
    if (rawCount === undefined || rawCount.trim() === '') {
      throw bad(`${e.count} is not set; set it to the number of shards${e.count === 'EVALBENCH_SHARD_COUNT' ? ' (the same as the Job\'s completions)' : ''}`);
    }
    if (!WHOLE.test(rawIndex) || !WHOLE.test(rawCount)) throw bad('expected whole numbers');
    const index = Number(rawIndex) + (1 - e.base);
    const count = Number(rawCount);
    try {
      return { ...parseShard(`${index}/${count}`), source: e.source, variables };
    } catch {
      const range = e.base === 0 ? `0..${count - 1}` : `1..${count}`;
      throw bad(`${e.index} must be in ${range} and ${e.count} at least 1`);
    }
  }
  const looked = SHARD_ENGINES.map((e) => `${e.index}/${e.count} (${e.source})`).join(', ');
  throw new InputError(
    'SHARD_ENV_MISSING',
    `--shard auto found no shard index in the environment; it looks for ${looked}. Set EVALBENCH_SHARD and EVALBENCH_SHARD_COUNT, or pass --shard i/n`,
  );
}

/** `--shard i/n` or `--shard auto` (read from `env`). */
export function resolveShard(text: string, env: Record<string, string | undefined>): ShardSpec & Partial<Pick<EnvShard, 'source' | 'variables'>> {
  return text.trim() === 'auto' ? shardFromEnv(env) : parseShard(text);
}
