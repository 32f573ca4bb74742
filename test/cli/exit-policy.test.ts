import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EXIT } from '../../src/errors/index.ts';
import { checkedRunExitCode, runExitCode, sweepExitCode } from '../../src/cli/exit-policy.ts';
import { readOptions } from '../../src/cli/typed-options.ts';

const run = (counts: { interrupted?: boolean; rows: number; ok: number }) => ({ counts: { interrupted: false, skipped: 0, ...counts } as never });

describe('exit policy', () => {
  it('a run is incomplete (3) when interrupted or when no request succeeded', () => {
    expect(runExitCode(run({ rows: 4, ok: 1 }))).toBe(EXIT.ok);
    expect(runExitCode(run({ rows: 0, ok: 0 }))).toBe(EXIT.ok);
    expect(runExitCode(run({ rows: 4, ok: 0 }))).toBe(EXIT.runIncomplete);
    expect(runExitCode(run({ rows: 4, ok: 4, interrupted: true }))).toBe(EXIT.runIncomplete);
  });

  it('a sweep follows the same rule for each level', () => {
    expect(sweepExitCode([run({ rows: 2, ok: 2 }), run({ rows: 2, ok: 1 })])).toBe(EXIT.ok);
    expect(sweepExitCode([run({ rows: 2, ok: 2 }), run({ rows: 2, ok: 0 })])).toBe(EXIT.runIncomplete);
  });

  it('an incomplete run outranks a failed check; a failed check gives 1', () => {
    expect(checkedRunExitCode(run({ rows: 2, ok: 2 }), [false, false])).toBe(EXIT.ok);
    expect(checkedRunExitCode(run({ rows: 2, ok: 2 }), [false, true])).toBe(EXIT.gateFailed);
    expect(checkedRunExitCode(run({ rows: 2, ok: 0 }), [true])).toBe(EXIT.runIncomplete);
  });
});

describe('readOptions', () => {
  const shape = z.strictObject({ concurrency: z.number().optional(), progress: z.enum(['auto', 'off']) });

  it('types the parsed flags', () => {
    expect(readOptions('run', shape, { concurrency: 4, progress: 'off' })).toEqual({ concurrency: 4, progress: 'off' });
  });

  it('refuses a flag its shape does not declare, or of another type (a bug, not bad input)', () => {
    expect(() => readOptions('run', shape, { progress: 'off', workers: 2 })).toThrow(/evalbench run: the parsed flags do not match/);
    expect(() => readOptions('run', shape, { progress: 'off', concurrency: '4' })).toThrow(/concurrency/);
  });
});
