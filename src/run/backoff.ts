import type { RetryPolicy } from '../suite/schema.ts';

/**
 * Delay before retry number `retry` (1 = the first retry): exponential backoff with full jitter
 * (AWS architecture blog, "Exponential Backoff And Jitter"): uniform in [0, base * 2^(retry-1)],
 * capped by max_delay_ms. A server's Retry-After wins over the jitter, still capped by max_delay_ms.
 */
export function backoffDelayMs(
  retry: number,
  policy: Pick<RetryPolicy, 'base_delay_ms' | 'max_delay_ms'>,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== null && retryAfterMs >= 0) return Math.min(retryAfterMs, policy.max_delay_ms);
  const ceiling = Math.min(policy.max_delay_ms, policy.base_delay_ms * 2 ** (retry - 1));
  return random() * ceiling;
}
