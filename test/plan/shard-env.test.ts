import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.ts';
import { resolveShard, shardFromEnv } from '../../src/plan/shard-env.ts';

describe('shardFromEnv (--shard auto)', () => {
  it.each([
    ['GitLab CI (1-based)', { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '3' }, 1, 3],
    ['GitLab CI, last node', { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '3' }, 3, 3],
    ['CircleCI (0-based)', { CIRCLE_NODE_INDEX: '0', CIRCLE_NODE_TOTAL: '4' }, 1, 4],
    ['Buildkite (0-based)', { BUILDKITE_PARALLEL_JOB: '4', BUILDKITE_PARALLEL_JOB_COUNT: '5' }, 5, 5],
    ['Kubernetes Indexed Job (0-based)', { JOB_COMPLETION_INDEX: '2', EVALBENCH_SHARD_COUNT: '3' }, 3, 3],
    ['EVALBENCH_SHARD (1-based)', { EVALBENCH_SHARD: '2', EVALBENCH_SHARD_COUNT: '2' }, 2, 2],
  ])('%s', (_, env, index, count) => {
    const s = shardFromEnv(env);
    expect([s.index, s.count]).toEqual([index, count]);
    expect(s.variables).toContain(Object.keys(env)[0]);
  });

  it('lets EVALBENCH_SHARD override what the engine publishes', () => {
    const s = shardFromEnv({ CI_NODE_INDEX: '1', CI_NODE_TOTAL: '3', EVALBENCH_SHARD: '2', EVALBENCH_SHARD_COUNT: '2' });
    expect([s.index, s.count, s.source]).toEqual([2, 2, 'EVALBENCH_SHARD']);
  });

  it('with no engine variable: SHARD_ENV_MISSING (exit 2) naming every variable looked for', () => {
    try {
      shardFromEnv({ CI_NODE_TOTAL: '1', PATH: '/bin' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).code).toBe('SHARD_ENV_MISSING');
      expect((e as InputError).exitCode).toBe(2);
      for (const v of ['CI_NODE_INDEX', 'CIRCLE_NODE_INDEX', 'BUILDKITE_PARALLEL_JOB', 'JOB_COMPLETION_INDEX', 'EVALBENCH_SHARD', 'EVALBENCH_SHARD_COUNT']) {
        expect((e as Error).message).toContain(v);
      }
    }
  });

  it.each([
    [{ JOB_COMPLETION_INDEX: '0' }, /EVALBENCH_SHARD_COUNT is not set/],
    [{ CI_NODE_INDEX: '0', CI_NODE_TOTAL: '3' }, /CI_NODE_INDEX must be in 1\.\.3/],
    [{ CIRCLE_NODE_INDEX: '4', CIRCLE_NODE_TOTAL: '4' }, /CIRCLE_NODE_INDEX must be in 0\.\.3/],
    [{ EVALBENCH_SHARD: 'two', EVALBENCH_SHARD_COUNT: '3' }, /EVALBENCH_SHARD=two .*whole numbers/],
    [{ BUILDKITE_PARALLEL_JOB: '1', BUILDKITE_PARALLEL_JOB_COUNT: '1.5' }, /whole numbers/],
  ])('refuses %j with SHARD_ENV_BAD naming the values', (env, message) => {
    expect(() => shardFromEnv(env)).toThrow(message);
    try {
      shardFromEnv(env);
    } catch (e) {
      expect((e as InputError).code).toBe('SHARD_ENV_BAD');
    }
  });

  it('resolveShard takes i/n or auto', () => {
    expect(resolveShard('2/5', {})).toEqual({ index: 2, count: 5 });
    expect(resolveShard('auto', { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '2' })).toMatchObject({ index: 2, count: 2, source: 'GitLab CI' });
  });
});
