export type ConcurrencyChangeReason = 'start' | 'rate_limited' | 'increase' | 'paused';

/** One point of a provider's concurrency over time (summary.json: `adaptive_concurrency`). */
export interface ConcurrencyChange {
  provider: string;
  /** ms since the limiter started (the run's start). */
  t_ms: number;
  /** The limit from now on; null = unlimited. */
  limit: number | null;
  reason: ConcurrencyChangeReason;
  /** Requests of this provider in flight at that moment. */
  in_flight: number;
  /** For `paused`: how long no new request is sent. */
  pause_ms?: number;
}
