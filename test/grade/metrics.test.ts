import { describe, expect, it } from 'vitest';
import { gradeOutput, LEVENSHTEIN_DEFAULT_MAX, type AssertionResult, type GradeContext } from '../../src/grade/index.ts';
import type { AssertionSpec } from '../../src/suite/schema.ts';
import { makeContext } from './make-context.ts';

async function one(spec: AssertionSpec, output: string, over: Partial<GradeContext> = {}): Promise<AssertionResult> {
  return (await gradeOutput([spec], undefined, makeContext(output, over))).results[0];
}

describe('levenshtein', () => {
  it('passes within the max distance (threshold), default 5', async () => {
    expect((await one({ type: 'levenshtein', value: 'kitten', threshold: 3 }, 'sitting')).pass).toBe(true);
    const far = await one({ type: 'levenshtein', value: 'kitten', threshold: 2 }, 'sitting');
    expect(far.pass).toBe(false);
    expect(far.reason).toContain('distance 3');
    expect(LEVENSHTEIN_DEFAULT_MAX).toBe(5);
    expect((await one({ type: 'levenshtein', value: 'abcdef' }, 'abcdefghijk')).pass).toBe(true);
    expect((await one({ type: 'levenshtein', value: 'abcdef' }, 'abcdefghijkl')).pass).toBe(false);
    expect((await one({ type: 'not-levenshtein', value: 'abc', threshold: 0 }, 'abd')).pass).toBe(true);
  });
});

describe('latency / ttft / cost / finish-reason', () => {
  it('latency and ttft compare with a max in ms', async () => {
    expect((await one({ type: 'latency', value: 1000 }, 'x', { latencyMs: 850 })).pass).toBe(true);
    const slow = await one({ type: 'latency', value: 500 }, 'x', { latencyMs: 850 });
    expect(slow.pass).toBe(false);
    expect(slow.reason).toContain('850 ms');
    expect((await one({ type: 'ttft', value: 100 }, 'x', { ttftMs: 120 })).pass).toBe(false);
    expect((await one({ type: 'ttft', threshold: 200 }, 'x', { ttftMs: 120 })).pass).toBe(true);
    expect((await one({ type: 'not-latency', value: 500 }, 'x', { latencyMs: 850 })).pass).toBe(true);
  });

  it('cost compares with a max in USD', async () => {
    expect((await one({ type: 'cost', value: 0.001 }, 'x', { costUsd: 0.0004 })).pass).toBe(true);
    expect((await one({ type: 'cost', value: 0.0001 }, 'x', { costUsd: 0.0004 })).pass).toBe(false);
  });

  it('a figure that was not measured fails, even under not-', async () => {
    for (const [spec, over] of [
      [{ type: 'latency', value: 1000 }, { latencyMs: null }],
      [{ type: 'not-ttft', value: 1 }, { ttftMs: null }],
      [{ type: 'not-cost', value: 1 }, { costUsd: null }],
      [{ type: 'not-finish-reason', value: 'length' }, { finishReason: null }],
    ] as [AssertionSpec, Partial<GradeContext>][]) {
      const r = await one(spec, 'x', over);
      expect(r, spec.type).toMatchObject({ pass: false, score: 0, errored: true });
      expect(r.reason).toContain('cannot grade');
    }
  });

  it('finish-reason', async () => {
    expect((await one({ type: 'finish-reason', value: 'stop' }, 'x', { finishReason: 'stop' })).pass).toBe(true);
    const cut = await one({ type: 'finish-reason', value: 'stop' }, 'x', { finishReason: 'length' });
    expect(cut.pass).toBe(false);
    expect(cut.reason).toContain('"length"');
    expect((await one({ type: 'not-finish-reason', value: 'length' }, 'x', { finishReason: 'stop' })).pass).toBe(true);
  });
});
