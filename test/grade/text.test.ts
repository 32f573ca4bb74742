import { describe, expect, it } from 'vitest';
import { gradeOutput, type AssertionResult } from '../../src/grade/index.ts';
import type { AssertionSpec } from '../../src/suite/schema.ts';
import { makeContext } from './make-context.ts';

async function one(spec: AssertionSpec, output: string, vars: Record<string, unknown> = {}): Promise<AssertionResult> {
  const r = await gradeOutput([spec], undefined, makeContext(output, { vars }));
  return r.results[0];
}

describe('text assertions', () => {
  it('equals compares trimmed text, numbers as text, mappings as JSON', async () => {
    expect((await one({ type: 'equals', value: 'Paris' }, '  Paris\n')).pass).toBe(true);
    expect((await one({ type: 'equals', value: 'Paris' }, 'paris')).pass).toBe(false);
    expect((await one({ type: 'equals', value: 42 }, '42')).pass).toBe(true);
    expect((await one({ type: 'equals', value: { a: [1, 2] } }, '{"a":[1,2]}')).pass).toBe(true);
    expect((await one({ type: 'equals', value: { a: [1, 2] } }, '{"a":[2,1]}')).pass).toBe(false);
    const notJson = await one({ type: 'equals', value: { a: 1 } }, 'a=1');
    expect(notJson.pass).toBe(false);
    expect(notJson.reason).toContain('not JSON');
  });

  it('contains / icontains, and the reason says what was expected and what came back', async () => {
    const hit = await one({ type: 'contains', value: 'Paris' }, 'The capital is Paris.');
    expect(hit).toMatchObject({ type: 'contains', pass: true, score: 1, weight: 1 });
    const miss = await one({ type: 'contains', value: 'Paris' }, 'The capital is Lyon.');
    expect(miss).toMatchObject({ pass: false, score: 0 });
    expect(miss.reason).toContain('"Paris"');
    expect(miss.reason).toContain('The capital is Lyon.');
    expect((await one({ type: 'contains', value: 'paris' }, 'PARIS')).pass).toBe(false);
    expect((await one({ type: 'icontains', value: 'paris' }, 'PARIS')).pass).toBe(true);
  });

  it('contains-any / contains-all / icontains-any / icontains-all', async () => {
    const text = 'red, green and Blue';
    expect((await one({ type: 'contains-any', value: ['purple', 'green'] }, text)).pass).toBe(true);
    expect((await one({ type: 'contains-any', value: ['purple', 'black'] }, text)).pass).toBe(false);
    expect((await one({ type: 'contains-all', value: ['red', 'green'] }, text)).pass).toBe(true);
    const missing = await one({ type: 'contains-all', value: ['red', 'blue'] }, text);
    expect(missing.pass).toBe(false);
    expect(missing.reason).toContain('missing "blue"');
    expect((await one({ type: 'icontains-all', value: ['RED', 'blue'] }, text)).pass).toBe(true);
    expect((await one({ type: 'icontains-any', value: ['BLACK', 'BLUE'] }, text)).pass).toBe(true);
    expect((await one({ type: 'icontains-any', value: ['black'] }, text)).pass).toBe(false);
  });

  it('starts-with ignores leading whitespace only', async () => {
    expect((await one({ type: 'starts-with', value: 'Yes' }, '\n Yes, it is.')).pass).toBe(true);
    expect((await one({ type: 'starts-with', value: 'Yes' }, 'Well, yes')).pass).toBe(false);
  });

  it('regex with and without flags', async () => {
    expect((await one({ type: 'regex', value: '^\\d{3}-\\d{4}$' }, '555-1234')).pass).toBe(true);
    expect((await one({ type: 'regex', value: '^\\d{3}-\\d{4}$' }, 'call 555-1234')).pass).toBe(false);
    expect((await one({ type: 'regex', value: 'hello', flags: 'i' }, 'HELLO there')).pass).toBe(true);
    const r = await one({ type: 'regex', value: 'x+' }, 'axxxb');
    expect(r.reason).toContain('matched "xxx"');
  });

  it('length counts code points of the trimmed answer', async () => {
    expect((await one({ type: 'length', min: 3, max: 5 }, ' abcd ')).pass).toBe(true);
    expect((await one({ type: 'length', value: { max: 3 } }, 'abcd')).pass).toBe(false);
    expect((await one({ type: 'length', value: { min: 2 } }, '😀😀')).pass).toBe(true);
    const r = await one({ type: 'length', max: 2 }, 'abc');
    expect(r.reason).toContain('3 characters');
  });

  it('fills {{vars}} into text values', async () => {
    expect((await one({ type: 'contains', value: '{{city}}' }, 'It is Rome.', { city: 'Rome' })).pass).toBe(true);
    expect((await one({ type: 'contains-all', value: ['{{a}}', '{{b}}'] }, 'x=1 y=2', { a: 'x=1', b: 'y=3' })).pass).toBe(false);
  });

  it('not- negates pass and score', async () => {
    const r = await one({ type: 'not-contains', value: 'sorry' }, 'Here you go.');
    expect(r).toMatchObject({ type: 'not-contains', pass: true, score: 1 });
    const f = await one({ type: 'not-contains', value: 'sorry' }, 'I am sorry, I cannot.');
    expect(f).toMatchObject({ pass: false, score: 0 });
    expect(f.reason).toMatch(/^not-contains: expected not \(output contains "sorry"\); got found/);
    expect((await one({ type: 'not-regex', value: '\\d' }, 'no digits')).pass).toBe(true);
    expect((await one({ type: 'not-equals', value: 'a' }, 'a')).pass).toBe(false);
  });
});
