import { describe, expect, it } from 'vitest';
import { redactSecrets, requestSecrets, REDACTED } from '../../src/providers/redact.ts';

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
