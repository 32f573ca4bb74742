/**
 * Subscribing to a run-wide AbortSignal once per request: Node's EventTarget add/removeEventListener
 * cost ~9 µs a pair (a listener record, option parsing, a once-wrapper), about 3% of a streamed
 * request's CPU. Here each signal gets one real listener, and a request's subscription is an entry
 * in a Set.
 */
const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `fn` once when `signal` aborts (never when it already has: check `aborted` first). The
 * same function subscribed twice is one subscription.
 */
export function onAbort(signal: AbortSignal, fn: () => void): void {
  let set = subscribers.get(signal);
  if (set === undefined) {
    const created = new Set<() => void>();
    set = created;
    subscribers.set(signal, created);
    signal.addEventListener('abort', () => {
      // A callback may unsubscribe others: iterate a copy, skipping the ones gone meanwhile.
      for (const f of [...created]) if (created.has(f)) f();
      created.clear();
      subscribers.delete(signal);
    }, { once: true });
  }
  set.add(fn);
}

/** Ends a subscription made by onAbort; harmless after the abort or when there was none. */
export function offAbort(signal: AbortSignal, fn: () => void): void {
  subscribers.get(signal)?.delete(fn);
}

/** Subscriptions now waiting on `signal` (tests: none may outlive its request). */
export function abortSubscriberCount(signal: AbortSignal): number {
  return subscribers.get(signal)?.size ?? 0;
}
