import type { Clock } from '../measure/types.ts';
import type { AttemptResult } from '../providers/types.ts';

/** Consecutive successes (at the limit) before the limit grows by one. */
export const DEFAULT_INCREASE_AFTER = 10;
/** Longest pause a rate-limit header can impose: a wrong header must not stall a run for hours. */
export const MAX_PAUSE_MS = 60_000;
/** Pause when a window is exhausted (`remaining: 0`) but no reset time was sent. */
export const DEFAULT_EXHAUSTED_PAUSE_MS = 1000;

import type { ConcurrencyChange, ConcurrencyChangeReason } from '../results/concurrency-change.ts';
export type { ConcurrencyChange, ConcurrencyChangeReason } from '../results/concurrency-change.ts';

export interface AdaptiveLimiterOptions {
  provider: string;
  /** The configured ceiling (provider or global concurrency); Infinity = none. The limit starts here. */
  max: number;
  increaseAfter?: number;
  now?: Clock;
  /** Time origin of `t_ms` (default: construction time). */
  origin?: number;
  onChange?: (change: ConcurrencyChange) => void;
  /** A slot may be free for the jobs waiting outside (see setWaiting): after a release, a raise or a pause's end. */
  onCapacity?: () => void;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A rate-limit reset header as a delay in ms: OpenAI's Go-style durations (`1s`, `6m0s`,
 * `20ms`, `1h2m3.5s`), plain seconds (`0.5`, `60`, IETF `ratelimit-reset`) or, for values too
 * large to be a delay, epoch seconds. undefined when unreadable.
 */
export function parseResetMs(value: string | undefined, nowEpochMs = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return n > 1e9 ? Math.max(0, n * 1000 - nowEpochMs) : n * 1000;
  }
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]], 0);
}

/**
 * AIMD concurrency limiter for one provider (used instead of p-limit with `adaptive`):
 * - a 429 halves the limit (min 1; an unlimited limit is first pinned to the requests in flight),
 *   once per round trip: further 429s of requests sent before the cut do not cut again;
 * - after `increaseAfter` successes in a row while the limit was in use, it grows by one, up to `max`
 *   (successes below the limit say nothing about what the server can take);
 * - `retry-after(-ms)` on a failure, and `x-ratelimit-remaining-requests|tokens: 0` on any
 *   response, pause new sends until the matching reset (at most MAX_PAUSE_MS).
 */
export class AdaptiveLimiter {
  readonly provider: string;
  readonly max: number;
  private limitNow: number;
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private pausedUntil = -Infinity;
  private pauseTimer: NodeJS.Timeout | undefined;
  private successes = 0;
  private lastCutAt = -Infinity;
  private readonly increaseAfter: number;
  private readonly now: Clock;
  private readonly origin: number;
  private readonly changes: ConcurrencyChange[] = [];
  private readonly onChange?: (change: ConcurrencyChange) => void;
  private readonly onCapacity?: () => void;
  /** Jobs waiting for a slot outside this limiter (the engine's backlog), as last told. */
  private outside = 0;

  constructor(opts: AdaptiveLimiterOptions) {
    if (!(opts.max >= 1)) throw new RangeError(`adaptive concurrency needs a maximum of at least 1, got ${opts.max}`);
    this.provider = opts.provider;
    this.max = opts.max;
    this.limitNow = opts.max;
    this.increaseAfter = opts.increaseAfter ?? DEFAULT_INCREASE_AFTER;
    this.now = opts.now ?? (() => performance.now());
    this.origin = opts.origin ?? this.now();
    this.onChange = opts.onChange;
    this.onCapacity = opts.onCapacity;
    this.record('start');
  }

  get limit(): number {
    return this.limitNow;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Every change so far, oldest first. */
  timeline(): ConcurrencyChange[] {
    return [...this.changes];
  }

  /** Runs `fn` once a slot is free and no pause is on (p-limit's shape). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.active -= 1;
      this.pump();
    }
  }

  /** Takes a slot now if one is free and no pause is on (the engine's workers ask; nothing queues here). */
  tryAcquire(): boolean {
    if (this.queue.length > 0 || !this.canStart()) return false;
    this.active += 1;
    return true;
  }

  /** Gives back a slot taken with tryAcquire. */
  release(): void {
    this.active -= 1;
    this.pump();
  }

  /** How many jobs wait for a slot outside: they make the limit binding, and a pause's end must wake them. */
  setWaiting(n: number): void {
    this.outside = n;
    this.pump();
  }

  /** Resolves when no pause is on: call before every attempt (a retry may come during a pause). */
  async ready(signal?: AbortSignal): Promise<void> {
    while (this.now() < this.pausedUntil && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.max(1, this.pausedUntil - this.now()));
        function done() {
          clearTimeout(t);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** Feeds one attempt's outcome back (call while its slot is still held). */
  observe(result: AttemptResult): void {
    const t = this.now();
    if (result.httpStatus === 429 || result.errorType === 'rate_limited') {
      this.successes = 0;
      if (result.marks.send >= this.lastCutAt) {
        const base = Number.isFinite(this.limitNow) ? this.limitNow : Math.max(1, this.active);
        this.limitNow = Math.max(1, Math.floor(base / 2));
        this.lastCutAt = t;
        this.record('rate_limited');
      }
    } else if (result.ok) {
      // Only successes while the limit was binding are evidence that it can grow.
      if (this.active >= this.limitNow || this.queue.length + this.outside > 0) this.successes += 1;
      if (this.successes >= this.increaseAfter && this.limitNow < this.max) {
        this.limitNow += 1;
        this.successes = 0;
        this.record('increase');
        this.pump();
      }
    }
    const pause = this.pauseFor(result);
    if (pause > 0 && t + pause > this.pausedUntil) {
      // Only the start of a pause goes on record: every 429 of a burst extends it.
      const wasPaused = t < this.pausedUntil;
      this.pausedUntil = t + pause;
      if (!wasPaused) this.record('paused', Math.round(pause));
    }
  }

  private pauseFor(result: AttemptResult): number {
    let pause = 0;
    if (!result.ok && result.retryAfterMs !== null) pause = result.retryAfterMs;
    const h = result.rateLimitHeaders;
    for (const kind of ['requests', 'tokens']) {
      const remaining = h[`x-ratelimit-remaining-${kind}`];
      if (remaining === undefined || Number(remaining) > 0) continue;
      pause = Math.max(pause, parseResetMs(h[`x-ratelimit-reset-${kind}`]) ?? DEFAULT_EXHAUSTED_PAUSE_MS);
    }
    return Math.min(pause, MAX_PAUSE_MS);
  }

  private acquire(): Promise<void> {
    if (this.queue.length === 0 && this.canStart()) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.queue.push(resolve);
      this.pump();
    });
  }

  private canStart(): boolean {
    return this.active < this.limitNow && this.now() >= this.pausedUntil;
  }

  private pump(): void {
    while (this.queue.length > 0 && this.canStart()) {
      this.active += 1;
      this.queue.shift()!();
    }
    if (this.queue.length + this.outside > 0 && this.now() < this.pausedUntil && this.pauseTimer === undefined) {
      this.pauseTimer = setTimeout(() => {
        this.pauseTimer = undefined;
        this.pump();
      }, Math.max(1, this.pausedUntil - this.now()));
    }
    if (this.outside > 0 && this.canStart()) this.onCapacity?.();
  }

  private record(reason: ConcurrencyChangeReason, pauseMs?: number): void {
    const change: ConcurrencyChange = {
      provider: this.provider,
      t_ms: Math.round((this.now() - this.origin) * 1000) / 1000,
      limit: Number.isFinite(this.limitNow) ? this.limitNow : null,
      reason,
      in_flight: this.active,
      ...(pauseMs !== undefined ? { pause_ms: pauseMs } : {}),
    };
    this.changes.push(change);
    this.onChange?.(change);
  }
}
