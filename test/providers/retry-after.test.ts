import { describe, expect, it } from 'vitest';
import { collectRateLimitHeaders, parseRetryAfter } from '../../src/providers/retry-after.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads seconds, fractional seconds and milliseconds', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }), NOW)).toBe(7000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }), NOW)).toBe(500);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '250' }), NOW)).toBe(250);
  });

  it('prefers a positive retry-after-ms; 0 ms falls back to retry-after (Azure AI Foundry)', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), NOW)).toBe(1500);
    expect(parseRetryAfter(new Headers({ 'Retry-After-Ms': '0', 'Retry-After': '1' }), NOW)).toBe(1000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '0' }), NOW)).toBe(0);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    const in30 = new Date(NOW + 30_000).toUTCString();
    expect(parseRetryAfter(new Headers({ 'retry-after': in30 }), NOW)).toBe(30_000);
    const past = new Date(NOW - 5_000).toUTCString();
    expect(parseRetryAfter(new Headers({ 'retry-after': past }), NOW)).toBe(0);
  });

  it('null when absent or unparseable; accepts plain records with any case', () => {
    expect(parseRetryAfter(new Headers(), NOW)).toBeNull();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), NOW)).toBeNull();
    expect(parseRetryAfter({ 'Retry-After': '3' }, NOW)).toBe(3000);
  });
});

describe('collectRateLimitHeaders', () => {
  it('keeps x-ratelimit-*, ratelimit-* and retry-after*, lower-cased', () => {
    const h = new Headers({
      'X-RateLimit-Remaining-Tokens': '100',
      'ratelimit-reset': '5',
      'Retry-After': '1',
      'retry-after-ms': '0',
      'content-type': 'application/json',
      'x-request-id': 'abc',
    });
    expect(collectRateLimitHeaders(h)).toEqual({
      'x-ratelimit-remaining-tokens': '100',
      'ratelimit-reset': '5',
      'retry-after': '1',
      'retry-after-ms': '0',
    });
  });
});
