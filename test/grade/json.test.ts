import { describe, expect, it } from 'vitest';
import { extractJsonValues, firstJsonObject, gradeOutput, type AssertionResult } from '../../src/grade/index.ts';
import type { AssertionSpec } from '../../src/suite/schema.ts';
import { makeContext } from './make-context.ts';

async function one(spec: AssertionSpec, output: string): Promise<AssertionResult> {
  return (await gradeOutput([spec], undefined, makeContext(output))).results[0];
}

const personSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
  required: ['name', 'age'],
};

describe('JSON assertions', () => {
  it('is-json: the whole answer must be JSON', async () => {
    expect((await one({ type: 'is-json' }, ' {"a": 1}\n')).pass).toBe(true);
    expect((await one({ type: 'is-json' }, '[1, 2]')).pass).toBe(true);
    const fenced = await one({ type: 'is-json' }, '```json\n{"a":1}\n```');
    expect(fenced.pass).toBe(false);
    expect(fenced.reason).toContain('contains-json');
    expect((await one({ type: 'not-is-json' }, 'plain words')).pass).toBe(true);
  });

  it('is-json with a schema', async () => {
    expect((await one({ type: 'is-json', value: personSchema }, '{"name":"Ada","age":36}')).pass).toBe(true);
    const bad = await one({ type: 'is-json', value: personSchema }, '{"name":"Ada"}');
    expect(bad.pass).toBe(false);
    expect(bad.reason).toContain("must have required property 'age'");
  });

  it('contains-json finds JSON inside prose and fences, optionally against a schema', async () => {
    const text = 'Sure! [see note]\n```json\n{"name": "Ada", "age": 36}\n```\nDone {ok}.';
    expect((await one({ type: 'contains-json' }, text)).pass).toBe(true);
    expect((await one({ type: 'contains-json', value: personSchema }, text)).pass).toBe(true);
    expect((await one({ type: 'contains-json', value: personSchema }, 'x {"name": "Ada", "age": -1} y')).pass).toBe(false);
    const none = await one({ type: 'contains-json' }, 'no json {here} at all');
    expect(none.pass).toBe(false);
    expect(none.reason).toContain('no JSON');
  });

  it('json-schema with an inline schema', async () => {
    expect((await one({ type: 'json-schema', value: personSchema }, '{"name":"Ada","age":36}')).pass).toBe(true);
    const r = await one({ type: 'json-schema', value: personSchema }, '{"name":"Ada","age":3.5}');
    expect(r.pass).toBe(false);
    expect(r.reason).toContain('/age must be integer');
    expect((await one({ type: 'json-schema', value: personSchema }, 'not json')).pass).toBe(false);
  });

  it('json-schema with a schema file beside the suite (JSON and YAML)', async () => {
    for (const file of ['person.schema.json', 'person.schema.yaml']) {
      const ok = await one({ type: 'json-schema', value: file }, '{"name":"Ada","age":36}');
      expect(ok.pass, file).toBe(true);
      expect(ok.reason).toContain(file);
      expect((await one({ type: 'json-schema', value: file }, '{"age":36}')).pass, file).toBe(false);
    }
  });

  it('a missing schema file at grade time is a failed assertion, not a crash', async () => {
    const r = await one({ type: 'json-schema', value: 'nope.json' }, '{}');
    expect(r).toMatchObject({ pass: false, errored: true });
    expect(r.reason).toContain('schema file not found');
  });

  it('supports draft 2020-12 schemas', async () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'number' }] };
    expect((await one({ type: 'json-schema', value: schema }, '[1]')).pass).toBe(true);
    expect((await one({ type: 'json-schema', value: schema }, '["x"]')).pass).toBe(false);
  });
});

describe('extractJsonValues / firstJsonObject', () => {
  it('skips non-JSON brackets and brackets inside strings', () => {
    expect(extractJsonValues('a [b] {"x": "}{"} [1,2]')).toEqual([{ x: '}{' }, [1, 2]]);
    expect(firstJsonObject('[1] then {"pass": true}')).toEqual({ pass: true });
    expect(firstJsonObject('nothing')).toBeUndefined();
  });
});
