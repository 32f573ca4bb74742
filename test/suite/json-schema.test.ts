import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SUITE_SCHEMA_ID, suiteJsonSchema } from '../../src/suite/index.ts';

function validator() {
  // zod emits `format: uri`; ajv without ajv-formats would refuse unknown formats.
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  return ajv.compile(suiteJsonSchema());
}

describe('suiteJsonSchema', () => {
  it('describes the suite format with a title and $id', () => {
    const schema = suiteJsonSchema() as Record<string, any>;
    expect(schema.$schema).toMatch(/2020-12/);
    expect(schema.$id).toBe(SUITE_SCHEMA_ID);
    expect(schema.title).toBe('evalbench suite');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['name', 'models', 'providers', 'reasoning_effort', 'defaults', 'cases', 'repeats', 'timeout_ms']),
    );
    // input side: keys with defaults are optional
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'models', 'cases']));
    expect(schema.required).not.toContain('repeats');
    expect(schema.properties.reasoning_effort.items.enum).toEqual(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
    expect(schema.properties.defaults.properties.temperature).toMatchObject({ minimum: 0, maximum: 2 });
  });

  it('returns a fresh object each time', () => {
    const a = suiteJsonSchema();
    a.title = 'changed';
    expect(suiteJsonSchema().title).toBe('evalbench suite');
  });

  it('accepts the shipped suites', () => {
    const validate = validator();
    for (const f of ['suites/example.yaml', 'suites/smoke.yaml']) {
      const ok = validate(parse(readFileSync(f, 'utf8')));
      expect(validate.errors ?? [], f).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('rejects unknown keys (additionalProperties: false) at every level', () => {
    const validate = validator();
    const base = { name: 'x', models: ['sim:fast'], cases: [{ id: 'a', prompt: 'p' }] };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, temprature: 1 })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'temprature' } });
    expect(validate({ ...base, defaults: { max_tokens: 5 } })).toBe(false);
    expect(validate({ ...base, cases: [{ id: 'a', prompt: 'p', promt: 'q' }] })).toBe(false);
  });

  it('requires exactly one of prompt or messages per case', () => {
    const validate = validator();
    const suite = (c: object) => ({ name: 'x', models: ['sim:fast'], cases: [{ id: 'a', ...c }] });
    expect(validate(suite({ prompt: 'p' }))).toBe(true);
    expect(validate(suite({ messages: [{ role: 'user', content: 'hi' }] }))).toBe(true);
    expect(validate(suite({}))).toBe(false);
    expect(validate(suite({ prompt: 'p', messages: [{ role: 'user', content: 'hi' }] }))).toBe(false);
  });
});
