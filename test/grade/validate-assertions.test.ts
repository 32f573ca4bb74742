import { describe, expect, it } from 'vitest';
import { preloadGraders, validateAssertions } from '../../src/grade/index.ts';
import type { AssertionSpec } from '../../src/suite/schema.ts';
import { FIXTURES } from './make-context.ts';

const models = ['sim:fast', 'vivgrid:managed'];
const check = (specs: AssertionSpec[], opts = {}) => validateAssertions(specs, FIXTURES, models, opts);

describe('validateAssertions', () => {
  it('accepts well-formed specs of every type', () => {
    const specs: AssertionSpec[] = [
      { type: 'equals', value: 'x' }, { type: 'contains', value: 'x' }, { type: 'icontains', value: 'x' },
      { type: 'contains-any', value: ['a', 'b'] }, { type: 'contains-all', value: ['a'] }, { type: 'starts-with', value: 'a' },
      { type: 'regex', value: '^a+$', flags: 'i' }, { type: 'is-json' }, { type: 'contains-json', value: { type: 'object' } },
      { type: 'json-schema', value: 'person.schema.json' }, { type: 'json-schema', value: 'person.schema.yaml' },
      { type: 'levenshtein', value: 'abc', threshold: 2 }, { type: 'length', min: 1, max: 10 }, { type: 'length', value: { max: 3 } },
      { type: 'latency', value: 2000 }, { type: 'ttft', value: 500 }, { type: 'cost', value: 0.01 }, { type: 'finish-reason', value: 'stop' },
      { type: 'javascript', value: 'graders.js' }, { type: 'javascript', value: 'graders.js:wordScore', threshold: 0.7 },
      { type: 'llm-rubric', value: 'Is polite.' }, { type: 'not-contains', value: 'sorry', weight: 2 },
    ];
    expect(check(specs, { judge: 'sim:fast' })).toEqual([]);
  });

  it('unknown types with a did-you-mean, keeping not-', () => {
    const p = check([{ type: 'contians', value: 'x' }, { type: 'not-regx', value: 'a' }, { type: 'frobnicate' }]);
    expect(p).toHaveLength(3);
    expect(p[0]).toMatchObject({ index: 0, field: 'type' });
    expect(p[0].message).toContain('did you mean "contains"?');
    expect(p[1].message).toContain('did you mean "not-regex"?');
    expect(p[2].message).toContain('known types:');
  });

  it('missing or ill-typed values', () => {
    const p = check([
      { type: 'contains' }, { type: 'contains-any', value: 'a' }, { type: 'equals' }, { type: 'latency', value: -1 },
      { type: 'length' }, { type: 'length', min: 5, max: 2 }, { type: 'levenshtein', value: 'a', threshold: 'x' },
      { type: 'finish-reason', value: '' }, { type: 'json-schema' }, { type: 'cost' },
    ]);
    expect(p.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(p[0]).toMatchObject({ field: 'value' });
    expect(p[0].message).toContain('contains needs a `value`');
    expect(p[1].message).toContain('list of strings');
    expect(p[5].message).toContain('more than');
    expect(p[6]).toMatchObject({ field: 'threshold' });
  });

  it('a bad regex', () => {
    const p = check([{ type: 'regex', value: '(unclosed' }, { type: 'not-regex', value: 'a', flags: 'qq' }]);
    expect(p[0].message).toMatch(/bad regular expression "\(unclosed"/);
    expect(p[1]).toMatchObject({ index: 1, field: 'flags' });
  });

  it('schema files: missing, not JSON, not a schema', () => {
    const p = check([
      { type: 'json-schema', value: 'nope.json' },
      { type: 'json-schema', value: 'broken.schema.json' },
      { type: 'is-json', value: 'invalid.schema.json' },
      { type: 'json-schema', value: { type: 12 } },
    ]);
    expect(p).toHaveLength(4);
    expect(p[0].message).toContain('schema file not found');
    expect(p[1].message).toContain('not valid JSON');
    expect(p[2].message).toContain('not a valid JSON schema');
    expect(p[3].message).toContain('inline schema is not a valid JSON schema');
  });

  it('javascript: missing file, inline code refused', () => {
    const p = check([{ type: 'javascript', value: 'missing.js' }, { type: 'javascript', value: '(output) => output.length > 3' }, { type: 'javascript' }]);
    expect(p[0].message).toContain('grader file not found');
    expect(p[1].message).toContain('never inline code');
    expect(p[2].message).toContain('javascript needs a `value`');
  });

  it('llm-rubric: no judge, unknown judge, judge on a declared or built-in provider', () => {
    const rubric = [{ type: 'llm-rubric', value: 'ok?' }];
    expect(check(rubric)[0].message).toContain('grading.judge');
    const unknown = check(rubric, { judge: 'acme:big' });
    expect(unknown[0].message).toContain('"acme:big" is not one of the suite\'s models');
    expect(check(rubric, { judge: 'acme:big', suiteProviders: { acme: {} } })).toEqual([]);
    expect(check(rubric, { judge: 'openai:gpt-4.1-mini' })).toEqual([]);
    expect(check(rubric, { judge: 'vivgrid:managed' })).toEqual([]);
    expect(check([{ type: 'llm-rubric' }], { judge: 'sim:fast' })[0].message).toContain('rubric');
  });

  it('timeout_ms must be positive', () => {
    expect(check([{ type: 'contains', value: 'x', timeout_ms: 0 }])[0]).toMatchObject({ field: 'timeout_ms' });
  });
});

describe('preloadGraders', () => {
  it('imports grader files and finds the functions named', async () => {
    const specs: AssertionSpec[] = [
      { type: 'contains', value: 'x' },
      { type: 'javascript', value: 'graders.js:detailed' },
      { type: 'javascript', value: 'graders.js:absent' },
      { type: 'not-javascript', value: 'two-exports.js' },
    ];
    const p = await preloadGraders(specs, FIXTURES);
    expect(p.map((x) => x.index)).toEqual([2, 3]);
    expect(p[0].message).toContain('no function named absent');
    expect(p[1].message).toContain('name one as two-exports.js:first');
  });
});
