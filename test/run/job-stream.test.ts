import { describe, expect, it } from 'vitest';
import { JobStream, passJobId } from '../../src/run/job-stream.ts';
import type { Job } from '../../src/plan/types.ts';

const job = (id: string): Job => ({
  id, index: 0, suite: 's', caseId: id, tags: [], provider: 'p', model: 'm', reasoningEffort: null, repeat: 1,
  messages: [{ role: 'user', content: 'hi' }], params: {}, stream: true, timeoutMs: 1000, assert: [], vars: {},
});

const ids = (s: JobStream, n: number) => Array.from({ length: n }, () => s.next()?.job.id);

describe('JobStream', () => {
  it('a single pass keeps the plan ids and ends', () => {
    const s = new JobStream([job('a'), job('b')], false);
    expect(ids(s, 3)).toEqual(['a', 'b', undefined]);
  });

  it('a duration run cycles with distinct ids per pass', () => {
    const s = new JobStream([job('a'), job('b')], true);
    s.begin(false);
    expect(ids(s, 5)).toEqual(['a', 'b', 'a~2', 'b~2', 'a~3']);
    expect(passJobId('x', 1, false)).toBe('x');
  });

  it('warm-up always cycles, then the measured phase starts again at the first job', () => {
    const s = new JobStream(() => [job('a'), job('b')], false);
    s.begin(true);
    const w = [s.next()!, s.next()!, s.next()!];
    expect(w.map((x) => x.job.id)).toEqual(['a~w1', 'b~w1', 'a~w2']);
    expect(w.every((x) => x.warmup)).toBe(true);
    s.begin(false);
    expect(ids(s, 3)).toEqual(['a', 'b', undefined]);
  });

  it('an empty or one-shot source does not spin forever', () => {
    expect(new JobStream([], true).next()).toBeUndefined();
    const once = (function* () {
      yield job('a');
    })();
    const s = new JobStream(once, true);
    expect(ids(s, 3)).toEqual(['a', undefined, undefined]);
  });
});
