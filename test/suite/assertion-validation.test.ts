import { describe, expect, it } from 'vitest';
import { parseSuite } from '../../src/suite/load-suite.ts';
import { SuiteError } from '../../src/errors/suite-error.ts';

/** Parses and returns the SuiteError (the test fails if the suite is accepted). */
function problems(text: string): SuiteError {
  try {
    parseSuite(text, '/tmp/assert-suite.yaml');
  } catch (e) {
    if (e instanceof SuiteError) return e;
    throw e;
  }
  throw new Error('the suite was accepted');
}

const head = 'name: t\nmodels: [sim:fast]\n';

describe('malformed assertions are validation errors with file:line, before any request', () => {
  it('an unknown type, with a did-you-mean', () => {
    const e = problems(head + 'cases:\n  - id: a\n    prompt: hi\n    assert:\n      - { type: icontain, value: x }\n');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/assert-suite\.yaml:7:\d+ cases\[0\]\.assert\[0\]\.type: unknown assertion type "icontain"/);
    expect(e.message).toContain('did you mean "icontains"');
  });

  it('a regex that does not compile', () => {
    const e = problems(head + 'cases:\n  - id: a\n    prompt: hi\n    assert:\n      - { type: regex, value: "([a-z" }\n');
    expect(e.message).toMatch(/assert-suite\.yaml:7:\d+ cases\[0\]\.assert\[0\]/);
    expect(e.message.toLowerCase()).toContain('regex');
  });

  it('a json-schema file that does not exist', () => {
    const e = problems(head + 'cases:\n  - id: a\n    prompt: hi\n    assert:\n      - { type: json-schema, value: schemas/nope.json }\n');
    expect(e.message).toMatch(/assert-suite\.yaml:7:\d+ cases\[0\]\.assert\[0\]/);
    expect(e.message).toContain('nope.json');
  });

  it('an llm-rubric whose judge is neither a model nor a known provider', () => {
    const e = problems(head + 'grading: { judge: "nowhere:judge" }\ncases:\n  - id: a\n    prompt: hi\n    assert:\n      - { type: llm-rubric, value: "is polite" }\n');
    expect(e.message).toContain('nowhere');
    expect(e.message).toMatch(/assert-suite\.yaml:\d+:\d+/);
  });

  it('an llm-rubric with no judge configured', () => {
    const e = problems(head + 'cases:\n  - id: a\n    prompt: hi\n    assert:\n      - { type: llm-rubric, value: "is polite" }\n');
    expect(e.message).toMatch(/judge/);
  });

  it('default_assert problems point into default_assert', () => {
    const e = problems(head + 'default_assert:\n  - { type: not-nope }\ncases:\n  - id: a\n    prompt: hi\n');
    expect(e.message).toMatch(/assert-suite\.yaml:4:\d+ default_assert\[0\]\.type/);
  });
});
