import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSuite } from '../../src/suite/load-suite.ts';
import { SuiteError } from '../../src/errors/index.ts';

function issues(text: string): string[] {
  try {
    parseSuite(text, path.join(os.tmpdir(), 'one-pass.yaml'));
  } catch (e) {
    if (e instanceof SuiteError) return e.message.split(/\n(?=\S)/);
    throw e;
  }
  throw new Error('expected the suite to be refused');
}

describe('validation in one pass', () => {
  it('names an unknown key, a bad regex, a contains without value and a missing grader file together, by position', () => {
    const found = issues([
      'name: three',
      'models: [sim:fast]',
      'concurrncy: 4',
      'cases:',
      '  - id: a',
      '    prompt: "hi"',
      '    assert:',
      '      - { type: regex, value: "(unclosed" }',
      '      - { type: contains }',
      '  - id: b',
      '    prompt: "hello"',
      '    assert:',
      '      - { type: javascript, value: graders/missing-grader.js }',
      'gates: { min_pass_rate: 2 }',
    ].join('\n'));
    expect(found).toHaveLength(5);
    expect(found[0]).toMatch(/one-pass\.yaml:3:1 concurrncy: unknown key/);
    expect(found[1]).toMatch(/:8:\d+ cases\[0\]\.assert\[0\]\.value: regex: bad regular expression/);
    expect(found[2]).toMatch(/:9:\d+ cases\[0\]\.assert\[1\]\.value: contains needs a `value`/);
    expect(found[3]).toMatch(/:13:\d+ cases\[1\]\.assert\[0\]\.value: javascript grader file not found/);
    expect(found[4]).toMatch(/:14:\d+ gates\.min_pass_rate/);
  });
});

describe('YAML syntax errors in plain words', () => {
  it('indentation: a hint, the parser\'s words, the line and a caret under its first character', () => {
    const [msg] = issues('name: x\nmodels: [sim:fast]\ncases:\n  - id: a\n    prompt: "hi"\n      extra: 1\n');
    expect(msg).toContain(':6:1: this line is indented differently');
    expect(msg).toContain('(YAML: All mapping items must start at the same column)');
    expect(msg).toContain('\n  6 |       extra: 1\n    |       ^');
  });

  it('a missing colon, a tab, two keys on one line', () => {
    expect(issues('name: x\nmodels [sim:fast]\ncases: []\n')[0]).toContain('missing its colon');
    expect(issues('name: x\ncases:\n\t- id: a\n')[0]).toMatch(/a tab is used for indentation[^]*\n {2}3 \| →- id: a\n {4}\| \^/);
    expect(issues('name: x\ncases:\n  - id: a prompt: b: c\n')[0]).toContain('two `key:` on one line');
  });
});

describe('base_url without a scheme', () => {
  it('is an error at its position with the likely fix, not echoed back as localhost://6556/v1', () => {
    const found = issues([
      'name: x',
      'providers:',
      '  local: { type: openai-compatible, base_url: "localhost:6556/v1" }',
      '  odd: { type: openai-compatible, base_url: "ftp://example.com/v1" }',
      'models: [local:m, odd:m]',
      'cases:',
      '  - { id: a, prompt: hi }',
    ].join('\n'));
    expect(found[0]).toMatch(/one-pass\.yaml:3:\d+ providers\.local\.base_url: base_url "localhost:6556\/v1" has no scheme: write "http:\/\/localhost:6556\/v1"/);
    expect(found[1]).toMatch(/:4:\d+ providers\.odd\.base_url: .*only http:\/\/ and https:\/\//);
    expect(found.join('\n')).not.toContain('localhost://');
  });
});
