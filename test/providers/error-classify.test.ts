import { describe, expect, it } from 'vitest';
import {
  classifyHttpStatus, describeTransportError, errorMessageFromJson, summarizeErrorBody, truncateMessage,
} from '../../src/providers/error-classify.ts';

describe('classifyHttpStatus', () => {
  it('follows the docs/metrics.md rules', () => {
    expect(classifyHttpStatus(429)).toBe('rate_limited');
    expect(classifyHttpStatus(401)).toBe('auth');
    expect(classifyHttpStatus(403)).toBe('auth');
    expect(classifyHttpStatus(400)).toBe('bad_request');
    expect(classifyHttpStatus(404)).toBe('bad_request');
    expect(classifyHttpStatus(500)).toBe('server_error');
    expect(classifyHttpStatus(503)).toBe('server_error');
  });
});

describe('errorMessageFromJson', () => {
  it('reads the common dialects', () => {
    expect(errorMessageFromJson({ error: { message: 'bad', type: 'invalid_request_error', code: 'invalid_api_key' } })).toBe('invalid_api_key: bad');
    expect(errorMessageFromJson({ error: { code: 'RateLimitReached', message: 'slow' } })).toBe('RateLimitReached: slow');
    expect(errorMessageFromJson({ error: { code: 429, message: 'Provider returned error', metadata: { raw: 'upstream busy' } } }))
      .toBe('Provider returned error: upstream busy');
    expect(errorMessageFromJson({ error: 'model "x" not found' })).toBe('model "x" not found');
    expect(errorMessageFromJson({ object: 'error', message: 'context too long', code: 400 })).toBe('context too long');
    expect(errorMessageFromJson({ detail: 'Not Found' })).toBe('Not Found');
    expect(errorMessageFromJson({ unrelated: true })).toBeNull();
  });
});

describe('summarizeErrorBody', () => {
  it('uses the HTML title, or the visible text without tags', () => {
    expect(summarizeErrorBody('<html><title> 503 Service\n Unavailable </title></html>', 'text/html')).toBe('503 Service Unavailable');
    expect(summarizeErrorBody('<html><body><h1>Bad &amp; gateway</h1><script>x()</script></body></html>', 'text/html')).toBe('Bad & gateway');
  });

  it('falls back to collapsed text for non-JSON bodies, and says when it is empty', () => {
    expect(summarizeErrorBody('  upstream\n\n timed out ', 'text/plain')).toBe('upstream timed out');
    expect(summarizeErrorBody('{not json', 'application/json')).toBe('{not json');
    expect(summarizeErrorBody('', null)).toBe('(empty body)');
  });
});

describe('truncateMessage / describeTransportError', () => {
  it('caps messages at 300 characters', () => {
    const t = truncateMessage('x'.repeat(1000));
    expect(t).toHaveLength(300);
    expect(t.endsWith('…')).toBe(true);
    expect(truncateMessage('short')).toBe('short');
  });

  it('includes the system cause behind "fetch failed"', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(describeTransportError(new TypeError('fetch failed', { cause }))).toBe('fetch failed: connect ECONNREFUSED 127.0.0.1:9');
    const agg = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:9'), { code: 'ECONNREFUSED' })], ''), { code: 'ECONNREFUSED' });
    expect(describeTransportError(new TypeError('fetch failed', { cause: agg }))).toContain('ECONNREFUSED');
  });
});
