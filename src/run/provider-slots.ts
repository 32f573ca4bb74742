import type { Clock } from '../measure/types.ts';
import { AdaptiveLimiter, type ConcurrencyChange } from './adaptive-concurrency.ts';
import type { ResolvedProvider } from './run-options.ts';

/**
 * A provider's share of the requests in flight. A worker takes a slot before it starts a job of
 * that provider and gives it back when the job has ended; a job whose provider has none free
 * waits in the backlog while the worker takes another provider's job.
 */
export interface ProviderSlots {
  /** Takes a slot if one is free now. */
  tryAcquire(): boolean;
  release(): void;
  /** How many of its jobs wait in the backlog (an adaptive limiter wakes them after a pause). */
  setWaiting(n: number): void;
}

/** A fixed cap (`concurrency:` of a provider). */
export class FixedSlots implements ProviderSlots {
  private active = 0;

  constructor(readonly limit: number) {}

  tryAcquire(): boolean {
    if (this.active >= this.limit) return false;
    this.active += 1;
    return true;
  }

  release(): void {
    this.active -= 1;
  }

  setWaiting(): void {}
}

export interface SlotOptions {
  /** The run's cap: an adaptive provider without a cap of its own starts at it. */
  concurrency: number;
  adaptive?: boolean | { increaseAfter?: number };
  now: Clock;
  origin: number;
  onConcurrencyChange: (change: ConcurrencyChange) => void;
  /** An adaptive limit rose or a pause ended: waiting workers should look again. */
  onCapacity: () => void;
}

/**
 * Each provider's slots: an AIMD limiter for every provider with `adaptive`, else a fixed cap
 * where the provider has one. Providers absent from the map are limited by the run's cap only.
 */
export function providerSlots(providers: ReadonlyMap<string, ResolvedProvider>, opts: SlotOptions): Map<string, ProviderSlots> {
  const slots = new Map<string, ProviderSlots>();
  for (const [id, p] of providers) {
    if (opts.adaptive) {
      slots.set(id, new AdaptiveLimiter({
        provider: id, max: p.endpoint.concurrency ?? opts.concurrency, now: opts.now, origin: opts.origin,
        increaseAfter: typeof opts.adaptive === 'object' ? opts.adaptive.increaseAfter : undefined,
        onChange: opts.onConcurrencyChange,
        onCapacity: opts.onCapacity,
      }));
    } else if (p.endpoint.concurrency) {
      slots.set(id, new FixedSlots(p.endpoint.concurrency));
    }
  }
  return slots;
}
