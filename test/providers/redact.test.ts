import { describe, expect, it } from 'vitest';
import { MIN_REDACTED_SECRET, redactSecrets, redactStrings, requestSecrets, REDACTED } from '../../src/providers/redact.ts';

describe('redactSecrets', () => {
  it('replaces every occurrence and Bearer <key> as a whole', () => {
    const key = 'sk-proj-a.b+c*(d)';
    const out = redactSecrets(`got "Bearer ${key}", key=${key}, again ${key}`, [key]);
    expect(out).toBe(`got "${REDACTED}", key=${REDACTED}, again ${REDACTED}`);
    expect(out).not.toContain('sk-proj');
  });

  it('ignores empty and missing secrets', () => {
    expect(redactSecrets('nothing here', ['', undefined, null])).toBe('nothing here');
  });
});

describe('requestSecrets', () => {
  it('collects the key and credential-like header values, longest first', () => {
    const s = requestSecrets('k-123', { 'api-key': 'azure-xyz', 'X-Title': 'public', Authorization: 'Basic dXNlcjpwYXNz' });
    expect(s).toContain('k-123');
    expect(s).toContain('azure-xyz');
    expect(s).toContain('Basic dXNlcjpwYXNz');
    expect(s).toContain('dXNlcjpwYXNz');
    expect(s).not.toContain('public');
    expect([...s].sort((a, b) => b.length - a.length)).toEqual(s);
  });
});

describe('redactStrings (issue 17: every string of a row)', () => {
  const KEY = 'sk-live-ABCDEFGH12345678';
  it('replaces the key in every nested string and key, copying only what changed', () => {
    const tags = ['plain'];
    const row = { output: `echo ${KEY}`, reasons: [`got ${KEY}`], tags, itl_samples: [1, 2], n: 3, nested: { [KEY]: 'v' } };
    const r = redactStrings(row, [KEY]);
    expect(r.output).toBe('echo [REDACTED]');
    expect(r.reasons).toEqual(['got [REDACTED]']);
    expect(r.nested).toEqual({ '[REDACTED]': 'v' });
    expect(r.tags).toBe(tags);
    expect(row.output).toBe(`echo ${KEY}`); // the input is not changed
    expect(redactStrings(tags, [KEY])).toBe(tags);
  });

  it('ignores secrets shorter than MIN_REDACTED_SECRET (a local server keyed "x" keeps its answers)', () => {
    expect(MIN_REDACTED_SECRET).toBe(8);
    expect(redactStrings({ output: 'x marks the spot' }, ['x']).output).toBe('x marks the spot');
  });
});
