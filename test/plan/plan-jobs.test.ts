import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.ts';
import { jobId, planJobs, type PlanOverrides } from '../../src/plan/index.ts';
import { loadSuite, parseSuite, type Suite } from '../../src/suite/index.ts';

const TEXT = `name: plan-test
models: [sim:fast, "local:llama3:8b"]
providers:
  local: { type: openai-compatible, base_url: "http://127.0.0.1:11434/v1" }
reasoning_effort: [low, high]
repeats: 3
timeout_ms: 5000
defaults:
  system: "You answer in {{lang}}."
  temperature: 0.2
  max_completion_tokens: 100
  stop: ["\\n\\n"]
default_assert:
  - { type: not-contains, value: error }
cases:
  - id: arith
    prompt: "What is {{a}} * {{b}}?"
    vars: { a: 17, b: 23, lang: English }
    tags: [math, quick]
    assert: [{ type: equals, value: "391" }]
    threshold: 0.5
  - id: chat
    messages:
      - role: user
        content:
          - { type: text, text: "Describe {{thing}}" }
          - { type: image_url, image_url: { url: "https://example.com/{{thing}}.png", detail: low } }
      - { role: assistant, content: "It is {{thing}}." }
      - { role: user, content: "Reply with exactly: {{thing}}" }
    vars: { thing: cat, lang: French }
    tags: [vision]
    temperature: 1
    stream: false
  - id: own-system
    messages:
      - { role: developer, content: "Custom rules" }
      - { role: user, content: "Uppercase hi" }
    tags: [quick]
    system: ignored because a developer message exists
`;

const suite = (): Suite => parseSuite(TEXT, 'plan-test.yaml');

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('planJobs: expansion', () => {
  it('makes cases x models x efforts x repeats jobs, case-major, index = position', () => {
    const s = suite();
    const jobs = planJobs(s);
    expect(jobs).toHaveLength(3 * 2 * 2 * 3);
    expect(jobs.map((j) => j.index)).toEqual(jobs.map((_, i) => i));
    const expected: string[] = [];
    for (const c of ['arith', 'chat', 'own-system'])
      for (const m of ['sim/fast', 'local/llama3:8b'])
        for (const e of ['low', 'high'])
          for (const r of [1, 2, 3]) expected.push(`${c} ${m} ${e} ${r}`);
    expect(jobs.map((j) => `${j.caseId} ${j.provider}/${j.model} ${j.reasoningEffort} ${j.repeat}`)).toEqual(expected);
    expect(jobs.every((j) => j.suite === 'plan-test' && j.timeoutMs === 5000)).toBe(true);
  });

  it('without reasoning_effort every job has effort null', () => {
    const s = { ...suite(), reasoning_effort: undefined };
    const jobs = planJobs(s);
    expect(jobs).toHaveLength(3 * 2 * 3);
    expect(new Set(jobs.map((j) => j.reasoningEffort))).toEqual(new Set([null]));
  });

  it('ids are unique, stable across plans, and equal jobId() of the job', () => {
    const a = planJobs(suite());
    const b = planJobs(suite());
    expect(new Set(a.map((j) => j.id)).size).toBe(a.length);
    expect(b.map((j) => j.id)).toEqual(a.map((j) => j.id));
    for (const j of a) {
      const ref = `${j.provider}:${j.model}`;
      expect(j.id).toBe(jobId('plan-test', j.caseId, ref, j.reasoningEffort, j.repeat));
    }
  });

  it('ids do not depend on position: filtering keeps the same ids', () => {
    const all = new Map(planJobs(suite()).map((j) => [`${j.caseId}|${j.model}|${j.reasoningEffort}|${j.repeat}`, j.id]));
    for (const j of planJobs(suite(), { filter: ['chat'] })) {
      expect(j.id).toBe(all.get(`${j.caseId}|${j.model}|${j.reasoningEffort}|${j.repeat}`));
    }
  });
});

describe('planJobs: overrides', () => {
  it('models, efforts, repeats and timeout replace the suite values', () => {
    const o: PlanOverrides = { models: ['vigthoria:v2-code'], efforts: ['medium'], repeats: 2, timeoutMs: 1234 };
    const jobs = planJobs(suite(), o);
    expect(jobs).toHaveLength(3 * 1 * 1 * 2);
    expect(jobs.every((j) => j.provider === 'vigthoria' && j.model === 'v2-code')).toBe(true);
    expect(jobs.every((j) => j.reasoningEffort === 'medium' && j.timeoutMs === 1234)).toBe(true);
    expect(jobs.map((j) => j.repeat)).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('an empty efforts list means: do not send reasoning_effort', () => {
    const jobs = planJobs(suite(), { efforts: [], repeats: 1 });
    expect(jobs).toHaveLength(3 * 2);
    expect(jobs.every((j) => j.reasoningEffort === null)).toBe(true);
  });

  it('duplicate models and efforts are dropped so ids stay unique', () => {
    const jobs = planJobs(suite(), { models: ['sim:fast', ' sim:fast'], efforts: ['low', 'low'], repeats: 1 });
    expect(jobs).toHaveLength(3);
  });

  it('unknown providers in --models are an InputError listing the known ones', () => {
    const err = inputError(() => planJobs(suite(), { models: ['sim:fast', 'vigthora:v2-code'] }));
    expect(err.code).toBe('UNKNOWN_PROVIDER');
    expect(err.message).toMatch(/unknown provider `vigthora` in model `vigthora:v2-code`; known: sim, vigthoria, vivgrid, openai, local/);
    expect(err.message).toMatch(/did you mean `vigthoria`/);
  });

  it('bad model references, efforts and repeats are InputErrors', () => {
    expect(inputError(() => planJobs(suite(), { models: ['fast'] })).code).toBe('BAD_MODEL_REF');
    expect(inputError(() => planJobs(suite(), { efforts: ['extreme' as never] })).code).toBe('BAD_EFFORT');
    expect(inputError(() => planJobs(suite(), { repeats: 0 })).code).toBe('BAD_REPEATS');
    expect(inputError(() => planJobs(suite(), { timeoutMs: 1.5 })).code).toBe('BAD_TIMEOUT');
  });

  it('refuses an effort the provider does not accept, names it and the accepted levels', () => {
    // sim accepts none..high; the suite-declared `local` server accepts anything.
    const e = inputError(() => planJobs(suite(), { efforts: ['low', 'xhigh'] }));
    expect(e.code).toBe('EFFORT_NOT_ACCEPTED');
    expect(e.message).toBe(
      'model `sim:fast` cannot run at reasoning_effort `xhigh`: provider `sim` accepts none, minimal, low, medium, high. '
        + 'Remove it from --efforts, or declare the server under `providers` in the suite if it accepts more.',
    );
    expect(planJobs(suite(), { models: ['local:llama3:8b'], efforts: ['xhigh'] })).toHaveLength(9);
    // Vivgrid documents none, low, medium and high: `minimal` is refused, `none` is not.
    expect(inputError(() => planJobs(suite(), { models: ['vivgrid:m'], efforts: ['minimal'] })).message).toContain('provider `vivgrid` accepts none, low, medium, high');
    expect(planJobs(suite(), { models: ['vivgrid:m'], efforts: ['none'] })).toHaveLength(9);
  });
});

describe('planJobs: filter', () => {
  const cases = (o: PlanOverrides) => [...new Set(planJobs(suite(), o).map((j) => j.caseId))];

  it('selects by case id or tag, keeping suite order', () => {
    expect(cases({ filter: ['chat'] })).toEqual(['chat']);
    expect(cases({ filter: ['quick'] })).toEqual(['arith', 'own-system']);
    expect(cases({ filter: ['vision', 'arith'] })).toEqual(['arith', 'chat']);
    expect(cases({ filter: [] })).toEqual(['arith', 'chat', 'own-system']);
  });

  it('a filter that matches nothing is FILTER_MATCHES_NOTHING with a suggestion', () => {
    const err = inputError(() => planJobs(suite(), { filter: ['quik'] }));
    expect(err.code).toBe('FILTER_MATCHES_NOTHING');
    expect(err.message).toMatch(/`quik` -> `quick`\?/);
    expect(err.message).toMatch(/Tags: math, quick, vision/);
  });
});

describe('planJobs: messages and params', () => {
  const jobFor = (caseId: string) => planJobs(suite(), { repeats: 1, efforts: [] }).find((j) => j.caseId === caseId)!;

  it('prompt -> [system, user] with vars substituted everywhere', () => {
    const j = jobFor('arith');
    expect(j.messages).toEqual([
      { role: 'system', content: 'You answer in English.' },
      { role: 'user', content: 'What is 17 * 23?' },
    ]);
  });

  it('messages get the default system prepended, vars in text parts but not in image URLs', () => {
    const j = jobFor('chat');
    expect(j.messages).toEqual([
      { role: 'system', content: 'You answer in French.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe cat' },
          { type: 'image_url', image_url: { url: 'https://example.com/{{thing}}.png', detail: 'low' } },
        ],
      },
      { role: 'assistant', content: 'It is cat.' },
      { role: 'user', content: 'Reply with exactly: cat' },
    ]);
  });

  it('a case with its own system/developer message gets no extra system message', () => {
    expect(jobFor('own-system').messages).toEqual([
      { role: 'developer', content: 'Custom rules' },
      { role: 'user', content: 'Uppercase hi' },
    ]);
  });

  it('a case `system` replaces the default one', () => {
    const s = suite();
    s.cases[0] = { ...s.cases[0], system: 'Case system for {{a}}' };
    const j = planJobs(s, { filter: ['arith'], repeats: 1, efforts: [] })[0];
    expect(j.messages[0]).toEqual({ role: 'system', content: 'Case system for 17' });
  });

  it('params merge defaults with case overrides; stream defaults to true', () => {
    const arith = jobFor('arith');
    expect(arith.params).toEqual({ temperature: 0.2, max_completion_tokens: 100, stop: ['\n\n'] });
    expect(arith.stream).toBe(true);
    const chat = jobFor('chat');
    expect(chat.params).toEqual({ temperature: 1, max_completion_tokens: 100, stop: ['\n\n'] });
    expect(chat.stream).toBe(false);
  });

  it('assert = default_assert + case assert; threshold and tags carried', () => {
    const arith = jobFor('arith');
    expect(arith.assert).toEqual([
      { type: 'not-contains', value: 'error' },
      { type: 'equals', value: '391' },
    ]);
    expect(arith.threshold).toBe(0.5);
    expect(arith.tags).toEqual(['math', 'quick']);
    const own = jobFor('own-system');
    expect(own.assert).toEqual([{ type: 'not-contains', value: 'error' }]);
    expect('threshold' in own).toBe(false);
  });
});

describe('the example suite', () => {
  it('plans a quick run on sim models only, with unique ids', async () => {
    const jobs = planJobs(await loadSuite('suites/example.yaml'));
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.length).toBeLessThanOrEqual(1000); // npm start must stay quick
    expect(jobs.every((j) => j.provider === 'sim')).toBe(true);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    // every placeholder was filled
    expect(jobs.flatMap((j) => j.messages).some((m) => JSON.stringify(m.content).includes('{{'))).toBe(false);
  });
});
