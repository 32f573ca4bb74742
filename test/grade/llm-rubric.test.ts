import { describe, expect, it } from 'vitest';
import { buildJudgePrompt, gradeOutput, parseVerdict, type JudgeFn, type JudgeResponse } from '../../src/grade/index.ts';
import { makeContext } from './make-context.ts';

function fakeJudge(text: string, usage: Partial<JudgeResponse> = {}): { judge: JudgeFn; prompts: string[] } {
  const prompts: string[] = [];
  const judge: JudgeFn = async (prompt) => {
    prompts.push(prompt);
    return { text, promptTokens: 200, completionTokens: 30, latencyMs: 400, costUsd: 0.002, ...usage };
  };
  return { judge, prompts };
}

const rubric = { type: 'llm-rubric', value: 'The answer names {{city}} as the capital.' };

describe('llm-rubric', () => {
  it('a valid verdict: pass/score/reason from the judge, usage recorded apart', async () => {
    const { judge, prompts } = fakeJudge('{"pass": true, "score": 0.9, "reason": "Names Paris."}');
    const ctx = makeContext('Paris is the capital.', { judge, vars: { city: 'Paris' }, costUsd: 0.0004, latencyMs: 850 });
    const r = await gradeOutput([rubric], undefined, ctx);
    expect(r.passed).toBe(true);
    expect(r.score).toBe(0.9);
    expect(r.results[0].reason).toContain('Names Paris.');
    expect(prompts[0]).toContain('The answer names Paris as the capital.');
    expect(prompts[0]).toContain('Paris is the capital.');
    expect(r.judgeUsage).toEqual({ calls: 1, failures: 0, promptTokens: 200, completionTokens: 30, latencyMs: 400, costUsd: 0.002 });
    // the judged model's own figures are untouched
    expect(ctx.costUsd).toBe(0.0004);
    expect(ctx.latencyMs).toBe(850);
  });

  it('a verdict inside prose or a fence is found; a failing verdict fails', async () => {
    const { judge } = fakeJudge('Let me think.\n```json\n{"pass": false, "score": 0.2, "reason": "Says Lyon."}\n```');
    const r = await gradeOutput([rubric], undefined, makeContext('Lyon.', { judge, vars: { city: 'Paris' } }));
    expect(r.passed).toBe(false);
    expect(r.reasons[0]).toContain('Says Lyon.');
    expect(r.score).toBe(0.2);
  });

  it('an assertion threshold overrides the judge pass', async () => {
    const { judge } = fakeJudge('{"pass": true, "score": 0.6, "reason": "meh"}');
    const r = await gradeOutput([{ ...rubric, threshold: 0.8 }], undefined, makeContext('x', { judge }));
    expect(r.results[0]).toMatchObject({ pass: false, score: 0.6 });
  });

  it('an unparseable verdict is a failed assertion; its usage still counts', async () => {
    for (const text of ['I think it passes.', '{"pass": "yes", "score": 1, "reason": "ok"}', '{"pass": true, "score": 7, "reason": "ok"}', '{"pass": true, "score": 1}']) {
      const { judge } = fakeJudge(text, { costUsd: null });
      for (const type of ['llm-rubric', 'not-llm-rubric']) {
        const r = await gradeOutput([{ ...rubric, type }], undefined, makeContext('x', { judge }));
        expect(r.results[0], text).toMatchObject({ pass: false, errored: true });
        expect(r.reasons[0]).toContain('judge verdict unparseable');
        expect(r.judgeUsage).toMatchObject({ calls: 1, failures: 0, costUsd: null, promptTokens: 200 });
      }
    }
  });

  it('a judge that throws or hangs gives a failed assertion and a counted failure', async () => {
    const throwing: JudgeFn = async () => {
      throw new Error('judge HTTP 500');
    };
    const r = await gradeOutput([rubric], undefined, makeContext('x', { judge: throwing }));
    expect(r.results[0]).toMatchObject({ pass: false, errored: true });
    expect(r.reasons[0]).toContain('grader threw: judge HTTP 500');
    expect(r.judgeUsage).toMatchObject({ calls: 0, failures: 1 });

    let aborted = false;
    const hanging: JudgeFn = (_p, opts) => new Promise(() => opts?.signal?.addEventListener('abort', () => (aborted = true)));
    const h = await gradeOutput([rubric], undefined, makeContext('x', { judge: hanging }), { judgeTimeoutMs: 40 });
    expect(h.reasons[0]).toContain('timed out after 40 ms');
    expect(aborted).toBe(true);
  });

  it('no judge injected: a failed assertion saying so', async () => {
    const r = await gradeOutput([rubric], undefined, makeContext('x'));
    expect(r.reasons[0]).toContain('no judge model');
  });

  it('usage totals over several rubrics; null when any call did not report', async () => {
    const { judge } = fakeJudge('{"pass": true, "score": 1, "reason": "ok"}');
    const r = await gradeOutput([rubric, rubric], undefined, makeContext('x', { judge }));
    expect(r.judgeUsage).toEqual({ calls: 2, failures: 0, promptTokens: 400, completionTokens: 60, latencyMs: 800, costUsd: 0.004 });
  });
});

describe('parseVerdict / buildJudgePrompt', () => {
  it('takes the first JSON object strictly', () => {
    expect(parseVerdict('{"pass": false, "score": 0, "reason": ""}')).toEqual({ pass: false, score: 0, reason: '' });
    expect(() => parseVerdict('[{"pass": true}]')).toThrow(/unparseable/);
    expect(() => parseVerdict('')).toThrow(/no JSON object/);
  });

  it('the prompt asks for the strict JSON form', () => {
    const p = buildJudgePrompt('Be polite.', 'Hello!');
    expect(p).toContain('{"pass": true or false');
    expect(p).toMatch(/<rubric>\nBe polite\.\n<\/rubric>/);
    expect(p).toMatch(/<output>\nHello!\n<\/output>/);
  });
});
