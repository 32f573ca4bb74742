import type { AttemptResult } from '../providers/types.ts';
import { isRetryableStatus, RETRYABLE_ERROR_TYPES } from '../providers/error-classify.ts';
import type { RetryPolicy } from '../suite/schema.ts';
import { backoffDelayMs } from './backoff.ts';
import { sleep } from './sleep.ts';

/** Whether a failed attempt may succeed if sent again (one table: providers/error-classify.ts). An interrupted attempt never is. */
export function isRetryable(result: AttemptResult): boolean {
  if (result.ok) return false;
  if (result.httpStatus !== null && isRetryableStatus(result.httpStatus)) return true;
  return result.errorType !== null && RETRYABLE_ERROR_TYPES.has(result.errorType);
}

export interface RetryOutcome {
  result: AttemptResult;
  attempts: number;
  /** Total time slept between attempts. */
  waitMs: number;
  /** Send time (monotonic ms) of the first attempt: queue_ms is measured up to it. */
  firstSend: number;
}

export interface RetryHooks {
  signal?: AbortSignal;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (info: { attempt: number; delayMs: number; result: AttemptResult }) => void;
}

/**
 * Runs `attempt` until it succeeds, fails for good, or retries run out. Every attempt's result is
 * a value (never thrown); a cancelled wait ends the loop with the last result.
 */
export async function withRetry(
  attempt: (n: number) => Promise<AttemptResult>,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<RetryOutcome> {
  const wait = hooks.sleep ?? sleep;
  let waitMs = 0;
  let result = await attempt(1);
  const firstSend = result.marks.send;
  let n = 1;
  while (!result.ok && n <= policy.max_retries && isRetryable(result) && !hooks.signal?.aborted) {
    const delayMs = backoffDelayMs(n, policy, result.retryAfterMs, hooks.random);
    hooks.onRetry?.({ attempt: n, delayMs, result });
    try {
      await wait(delayMs, hooks.signal);
    } catch {
      break; // cancelled while waiting: keep the last real result
    }
    waitMs += delayMs;
    n += 1;
    result = await attempt(n);
  }
  return { result, attempts: n, waitMs, firstSend };
}
