import { describe, expect, it } from 'vitest';
import { gradeOutput, interpretGraderReturn, parseGraderRef, type AssertionResult, type GradeContext } from '../../src/grade/index.ts';
import type { AssertionSpec } from '../../src/suite/schema.ts';
import { makeContext } from './make-context.ts';

async function one(spec: AssertionSpec, output: string, over: Partial<GradeContext> = {}, timeoutMs?: number): Promise<AssertionResult> {
  return (await gradeOutput([spec], undefined, makeContext(output, over), { timeoutMs })).results[0];
}

describe('javascript assertions (a grader file beside the suite)', () => {
  it('default export returning a boolean', async () => {
    expect((await one({ type: 'javascript', value: 'graders.js' }, 'It is Rome.', { vars: { city: 'Rome' } })).pass).toBe(true);
    const r = await one({ type: 'javascript', value: 'graders.js' }, 'It is Oslo.', { vars: { city: 'Rome' } });
    expect(r).toMatchObject({ pass: false, score: 0 });
    expect(r.reason).toContain('graders.js');
  });

  it('a named export returning a number: a score, passing at 0.5 or the threshold', async () => {
    const five = 'one two three four five';
    expect(await one({ type: 'javascript', value: 'graders.js:wordScore' }, five)).toMatchObject({ pass: true, score: 0.5 });
    expect(await one({ type: 'javascript', value: 'graders.js:wordScore', threshold: 0.6 }, five)).toMatchObject({ pass: false, score: 0.5 });
    expect(await one({ type: 'not-javascript', value: 'graders.js:wordScore' }, 'one two')).toMatchObject({ pass: true, score: 0.8 });
  });

  it('an object result, with options from the assertion as context.config', async () => {
    const r = await one({ type: 'javascript', value: 'graders.js:detailed', maxChars: 5 }, 'too long');
    expect(r).toMatchObject({ pass: false, score: 0.25 });
    expect(r.reason).toContain('length 8 vs max 5');
    expect((await one({ type: 'javascript', value: 'graders.js:asyncPass' }, 'yes sir')).pass).toBe(true);
  });

  it('the grader sees the case, model and measured figures', async () => {
    expect((await one({ type: 'javascript', value: 'graders.js:seesContext' }, 'x', { caseId: 'case-7' })).pass).toBe(true);
  });

  it('a grader that throws gives a failed assertion with the reason', async () => {
    const r = await one({ type: 'javascript', value: 'graders.js:throws' }, 'x');
    expect(r).toMatchObject({ pass: false, score: 0, errored: true });
    expect(r.reason).toContain('grader threw: grader exploded on purpose');
  });

  it('a grader that never returns times out (and not- does not turn that into a pass)', async () => {
    const t0 = performance.now();
    for (const type of ['javascript', 'not-javascript']) {
      const r = await one({ type, value: 'graders.js:never' }, 'x', {}, 50);
      expect(r).toMatchObject({ pass: false, errored: true });
      expect(r.reason).toContain('grader threw: timed out after 50 ms');
    }
    expect(performance.now() - t0).toBeLessThan(4000);
  });

  it('a per-assertion timeout_ms overrides the default', async () => {
    const r = await one({ type: 'javascript', value: 'graders.js:never', timeout_ms: 30 }, 'x');
    expect(r.reason).toContain('timed out after 30 ms');
  });

  it('an out-of-range score is a failed assertion', async () => {
    const r = await one({ type: 'javascript', value: 'graders.js:badScore' }, 'x');
    expect(r).toMatchObject({ pass: false, errored: true });
    expect(r.reason).toContain('score 7');
  });

  it('a missing export or file is a failed assertion', async () => {
    expect((await one({ type: 'javascript', value: 'graders.js:nope' }, 'x')).reason).toContain('no function named nope');
    expect((await one({ type: 'javascript', value: 'two-exports.js' }, 'x')).reason).toContain('two-exports.js:first');
    expect((await one({ type: 'javascript', value: 'missing.js' }, 'x')).pass).toBe(false);
  });

  it('a code grader runs the answer in the sandbox on test inputs', async () => {
    const good = 'Here:\n```js\nfunction add(a, b) { return a + b; }\n```';
    expect(await one({ type: 'javascript', value: 'graders.js:checksAdd' }, good)).toMatchObject({ pass: true, score: 1 });
    const wrong = '```javascript\nexport const add = (a, b) => Math.abs(a) + b;\n```';
    const r = await one({ type: 'javascript', value: 'graders.js:checksAdd' }, wrong);
    expect(r.score).toBeCloseTo(2 / 3, 9); // -5 + 5 comes out as 10
    expect(r.pass).toBe(true); // a numeric score passes at 0.5 by default
    expect((await one({ type: 'javascript', value: 'graders.js:checksAdd', threshold: 0.9 }, wrong)).pass).toBe(false);
    const loops = '```js\nfunction add(a, b) { while (true) {} }\n```';
    expect(await one({ type: 'javascript', value: 'graders.js:checksAdd' }, loops)).toMatchObject({ pass: false, score: 0 });
  });
});

describe('parseGraderRef / interpretGraderReturn', () => {
  it('splits file:function only at a trailing identifier', () => {
    expect(parseGraderRef('g.js:check')).toEqual({ file: 'g.js', exportName: 'check' });
    expect(parseGraderRef('dir/g.js')).toEqual({ file: 'dir/g.js' });
    expect(parseGraderRef('C:\\graders\\g.js')).toEqual({ file: 'C:\\graders\\g.js' });
  });

  it('reads booleans, scores and objects; rejects the rest', () => {
    expect(interpretGraderReturn(true, undefined)).toEqual({ pass: true, score: 1 });
    expect(interpretGraderReturn(0.4, undefined)).toEqual({ pass: false, score: 0.4 });
    expect(interpretGraderReturn(0.4, 0.3)).toEqual({ pass: true, score: 0.4 });
    expect(interpretGraderReturn({ pass: true }, undefined)).toEqual({ pass: true, score: 1, reason: undefined });
    expect(interpretGraderReturn({ score: 0.9, reason: 'ok' }, undefined)).toEqual({ pass: true, score: 0.9, reason: 'ok' });
    expect(() => interpretGraderReturn('yes', undefined)).toThrow(/expected true\/false/);
    expect(() => interpretGraderReturn({}, undefined)).toThrow(/neither/);
    expect(() => interpretGraderReturn(Number.NaN, undefined)).toThrow(/0 to 1/);
    expect(() => interpretGraderReturn({ pass: 'yes' }, undefined)).toThrow(/true or false/);
  });
});
