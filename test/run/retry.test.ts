import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRetryable, withRetry } from '../../src/run/retry.ts';
import type { AttemptResult, ErrorType } from '../../src/providers/types.ts';

function result(ok: boolean, httpStatus: number | null = null, errorType: ErrorType | null = null, retryAfterMs: number | null = null): AttemptResult {
  return {
    ok, httpStatus, errorType, retryAfterMs, errorMessage: ok ? null : 'x',
    marks: { send: 0, hdr: null, firstTok: null, firstAnswer: null, lastTok: null, end: 0, tokenTimes: [] },
    content: '', reasoning: '', toolCalls: [], usage: null, finishReason: null, rateLimitHeaders: {},
  };
}
const policy = { max_retries: 3, base_delay_ms: 100, max_delay_ms: 5000 };

describe('isRetryable', () => {
  it('retries 408, 409, 429 and 5xx, and transport failures', () => {
    for (const s of [408, 409, 429, 500, 502, 503]) expect(isRetryable(result(false, s, 'server_error'))).toBe(true);
    expect(isRetryable(result(false, null, 'connection'))).toBe(true);
    expect(isRetryable(result(false, null, 'stream_reset'))).toBe(true);
    expect(isRetryable(result(false, null, 'timeout'))).toBe(true);
  });
  it('never retries other 4xx, an interrupt, or success', () => {
    for (const s of [400, 401, 403, 404, 422]) expect(isRetryable(result(false, s, 'bad_request'))).toBe(false);
    expect(isRetryable(result(false, null, 'interrupted'))).toBe(false);
    expect(isRetryable(result(false, 200, 'stream_error'))).toBe(false);
    expect(isRetryable(result(true, 200))).toBe(false);
  });
});

describe('withRetry (fake timers)', () => {
  afterEach(() => vi.useRealTimers());

  it('waits Retry-After before the next attempt and counts attempts', async () => {
    vi.useFakeTimers();
    const seq = [result(false, 429, 'rate_limited', 1000), result(true, 200)];
    const attempt = vi.fn(async () => seq.shift()!);
    const p = withRetry(attempt, policy, { random: () => 0 });
    await vi.advanceTimersByTimeAsync(999);
    expect(attempt).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    const out = await p;
    expect(attempt).toHaveBeenCalledTimes(2);
    expect(out.attempts).toBe(2);
    expect(out.waitMs).toBe(1000);
    expect(out.result.ok).toBe(true);
  });

  it('gives up after max_retries with the last error', async () => {
    vi.useFakeTimers();
    const attempt = vi.fn(async () => result(false, 500, 'server_error'));
    const p = withRetry(attempt, policy, { random: () => 1 });
    await vi.advanceTimersByTimeAsync(100 + 200 + 400);
    const out = await p;
    expect(attempt).toHaveBeenCalledTimes(4);
    expect(out.attempts).toBe(4);
    expect(out.result.httpStatus).toBe(500);
    expect(out.waitMs).toBe(700);
  });

  it('does not retry a 400', async () => {
    const attempt = vi.fn(async () => result(false, 400, 'bad_request'));
    const out = await withRetry(attempt, policy);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(out.attempts).toBe(1);
  });

  it('stops waiting when the run is cancelled, keeping the last result', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const attempt = vi.fn(async () => result(false, 503, 'server_error'));
    const p = withRetry(attempt, policy, { signal: controller.signal, random: () => 1 });
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    const out = await p;
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(out.result.httpStatus).toBe(503);
  });
});
