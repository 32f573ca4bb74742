import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/run/backoff.ts';

const policy = { base_delay_ms: 100, max_delay_ms: 1000 };

describe('backoffDelayMs', () => {
  it('draws full jitter from [0, base * 2^(retry-1)]', () => {
    expect(backoffDelayMs(1, policy, null, () => 0.999999)).toBeCloseTo(100, 3);
    expect(backoffDelayMs(2, policy, null, () => 0.5)).toBe(100);
    expect(backoffDelayMs(3, policy, null, () => 0.5)).toBe(200);
    expect(backoffDelayMs(3, policy, null, () => 0)).toBe(0);
  });

  it('caps the exponential ceiling at max_delay_ms', () => {
    expect(backoffDelayMs(10, policy, null, () => 0.999999)).toBeLessThanOrEqual(1000);
    expect(backoffDelayMs(10, policy, null, () => 0.999999)).toBeGreaterThan(999);
  });

  it('honours Retry-After over jitter, still capped', () => {
    expect(backoffDelayMs(1, policy, 700, () => 0)).toBe(700);
    expect(backoffDelayMs(1, policy, 5000, () => 0)).toBe(1000);
    expect(backoffDelayMs(1, policy, 0, () => 0.9)).toBe(0);
  });
});
