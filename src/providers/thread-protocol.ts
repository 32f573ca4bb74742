import type { AttemptRequest, AttemptResult } from './types.ts';

/** What the main thread gives an HTTP worker when it starts it. */
export interface HttpWorkerData {
  /** monotonicOffsetMs() of the main thread: the worker stamps on its axis (thread-clock.ts). */
  mainOffsetMs: number;
}

/** Main thread -> HTTP worker. Small and structured-clone friendly: no signal, no functions. */
export type ToHttpWorker =
  | { t: 'send'; id: number; req: Omit<AttemptRequest, 'signal' | 'cancelHold'>; allowInsecureHttp: boolean }
  /** The run's signal fired: the worker aborts that attempt with this reason. */
  | { t: 'abort'; id: number; reason: string }
  /** The request's `cancelHold` fired: if it still waits for its `notBefore`, it is not sent. */
  | { t: 'cancel-hold'; id: number; reason: string }
  /** Run the client path `requests` times and open `connections` pooled connections to each URL. */
  | { t: 'warm'; id: number; targets: { url: string; headers: Record<string, string>; connections: number }[]; requests: number };

/** HTTP worker -> main thread. */
export type FromHttpWorker =
  | { t: 'result'; id: number; result: AttemptResult }
  | { t: 'warmed'; id: number };

/** A result the main thread can build rows from: anything else from a worker is a bad message. */
export function isAttemptResult(x: unknown): x is AttemptResult {
  if (x === null || typeof x !== 'object') return false;
  const r = x as Partial<AttemptResult>;
  const m = r.marks;
  return typeof r.ok === 'boolean' && typeof r.content === 'string' && typeof r.reasoning === 'string'
    && Array.isArray(r.toolCalls) && m !== null && typeof m === 'object'
    && typeof m.send === 'number' && typeof m.end === 'number' && Array.isArray(m.tokenTimes);
}
