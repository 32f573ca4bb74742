import type { Worker } from 'node:worker_threads';
import type { AttemptRequest, AttemptResult, ErrorType } from './types.ts';
import type { ClientDeps } from './openai-client.ts';
import { sendChatCompletion } from './openai-client.ts';
import { monotonicOffsetMs } from './thread-clock.ts';
import { offAbort, onAbort } from './abort-fanout.ts';
import { isAttemptResult, type FromHttpWorker, type HttpWorkerData, type ToHttpWorker } from './thread-protocol.ts';
import { siblingModule, spawnWorker } from './worker-spawn.ts';

/** Worker starts in a row that end in a crash before any answer, after which attempts fail at once. */
const MAX_CRASHES_IN_A_ROW = 3;
/** After the run's signal fires, how long a worker may take to answer the abort before the attempt is failed here. */
const ABORT_ANSWER_MS = 1_000;
/**
 * Open loop: how long before its due time, at most, the main thread hands an arrival to a worker,
 * which holds it until due (AttemptRequest.notBefore). The release clock wakes at half the lead
 * before a due time (release-clock.ts), so every arrival goes 50-100 ms early and a main-thread
 * pause under 50 ms delays none: longer than its GC pauses in a 2,000/s run (scavenges of 7-30
 * ms, `--trace-gc`). Short, because a held arrival takes its concurrency slot that much early.
 */
export const THREAD_RELEASE_LEAD_MS = 100;

interface Pending {
  resolve: (r: AttemptResult) => void;
  /** Main-clock time the request was handed to the worker (the send mark of a failure made here). */
  postedAt: number;
  onAbort?: () => void;
  signal?: AbortSignal;
  timer?: NodeJS.Timeout;
  onCancelHold?: () => void;
  cancelHold?: AbortSignal;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  warms: Map<number, () => void>;
  dead: boolean;
}

/** One warm-up target: a URL whose pool gets `connections` connections, split across the workers. */
export interface WarmTarget {
  url: string;
  headers: Record<string, string>;
  connections: number;
}

/** A failed attempt made on the main thread (the worker could not give one). */
function failedHere(type: ErrorType, message: string, send: number, end: number): AttemptResult {
  return {
    ok: false, httpStatus: null, errorType: type, errorMessage: message, retryAfterMs: null,
    marks: { send, hdr: null, firstTok: null, firstAnswer: null, lastTok: null, end, tokenTimes: [] },
    content: '', reasoning: '', toolCalls: [], usage: null, finishReason: null, rateLimitHeaders: {},
  };
}

function reasonText(signal: AbortSignal | undefined): string {
  const r: unknown = signal?.reason;
  return r instanceof Error ? r.message : typeof r === 'string' ? r : '';
}

/**
 * The HTTP client in `size` worker threads, with sendChatCompletion's interface: the engine calls
 * `send` as it would the in-thread client. Each worker has its own connection pool and event loop,
 * reads its own sockets and stamps its own marks on the main thread's clock (thread-clock.ts), so a
 * GC pause on the main thread delays no stream. An attempt goes to the worker with the fewest in
 * flight: each owns about its share of the run's concurrency. A worker that crashes fails only
 * its attempts in flight (typed `connection` results, which the retry policy may resend) and is
 * replaced. Workers are unref'd while idle, so they never keep the process alive.
 */
export class ThreadedClient {
  private readonly slots: Slot[] = [];
  private readonly mainOffsetMs = monotonicOffsetMs();
  private nextId = 1;
  private turn = 0;
  private crashesInARow = 0;
  private closed = false;

  constructor(readonly size: number, private readonly moduleUrl = siblingModule(import.meta.url, 'http-worker')) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`workers must be a whole number >= 1, got ${size}`);
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** sendChatCompletion in a worker. Never rejects. `deps.fetch` (tests) sends on this thread instead. */
  readonly send = (req: AttemptRequest, deps: ClientDeps = {}): Promise<AttemptResult> => {
    const now = deps.now ?? (() => performance.now());
    if (deps.fetch) return sendChatCompletion(req, deps);
    if (req.signal?.aborted) return Promise.resolve(failedHere('interrupted', this.interruptMessage(req.signal), now(), now()));
    if (req.notBefore !== undefined && req.cancelHold?.aborted) return Promise.resolve(failedHere('interrupted', this.interruptMessage(req.cancelHold), now(), now()));
    if (this.closed) return Promise.resolve(failedHere('interrupted', 'interrupted: the HTTP worker threads were stopped', now(), now()));
    if (this.crashesInARow >= MAX_CRASHES_IN_A_ROW) {
      const t = now();
      return Promise.resolve(failedHere('connection', `not sent: the HTTP worker threads stopped ${this.crashesInARow} times in a row (see the earlier rows' messages); run with --workers 1 to send from the main thread`, t, t));
    }
    const slot = this.pick();
    const id = this.nextId++;
    const { signal, cancelHold, ...plain } = req;
    return new Promise<AttemptResult>((resolve) => {
      const p: Pending = { resolve, postedAt: now(), signal };
      if (cancelHold && plain.notBefore !== undefined) {
        p.cancelHold = cancelHold;
        p.onCancelHold = () => this.post(slot, { t: 'cancel-hold', id, reason: reasonText(cancelHold) });
        onAbort(cancelHold, p.onCancelHold);
      }
      if (signal) {
        p.onAbort = () => {
          this.post(slot, { t: 'abort', id, reason: reasonText(signal) });
          // A worker too busy or stuck to answer must not hold the run's end.
          p.timer = setTimeout(() => this.settle(slot, id, failedHere('interrupted', this.interruptMessage(signal), p.postedAt, now())), ABORT_ANSWER_MS);
        };
        onAbort(signal, p.onAbort);
      }
      slot.pending.set(id, p);
      if (slot.pending.size === 1) slot.worker.ref();
      this.post(slot, { t: 'send', id, req: plain, allowInsecureHttp: deps.allowInsecureHttp ?? false });
    });
  };

  /** Runs the client path `requests` times in every worker (each optimises its own code) and opens its share of each target's connections. */
  async warm(targets: readonly WarmTarget[], requests = 5): Promise<void> {
    const share = targets.map((t) => ({ ...t, connections: Math.max(1, Math.ceil(t.connections / this.size)) }));
    await Promise.all(this.slots.map((slot) => new Promise<void>((resolve) => {
      if (slot.dead) return resolve();
      const id = this.nextId++;
      slot.warms.set(id, resolve);
      slot.worker.ref();
      this.post(slot, { t: 'warm', id, targets: share, requests });
    })));
    for (const s of this.slots) if (s.pending.size === 0 && !s.dead) s.worker.unref();
  }

  /** Requests in flight per worker (tests: the spread). */
  inFlight(): number[] {
    return this.slots.map((s) => s.pending.size);
  }

  /** Terminates every worker; attempts still in flight end as `interrupted`. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    for (const s of slots) this.failAll(s, 'interrupted', 'interrupted: the HTTP worker threads were stopped');
    await Promise.all(slots.map((s) => (s.dead ? undefined : s.worker.terminate())));
  }

  private spawn(): Slot {
    const workerData: HttpWorkerData = { mainOffsetMs: this.mainOffsetMs };
    const worker = spawnWorker(this.moduleUrl, { workerData, name: 'evalbench-http' });
    const slot: Slot = { worker, pending: new Map(), warms: new Map(), dead: false };
    worker.on('message', (m: FromHttpWorker) => this.onMessage(slot, m));
    worker.on('error', (e) => this.onStopped(slot, `it crashed: ${e.message}`));
    worker.on('exit', (code) => this.onStopped(slot, `it exited with code ${code}`));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    return slot;
  }

  /** The live worker with the fewest attempts in flight (ties taken in turn); a dead one is replaced first. */
  private pick(): Slot {
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i].dead) this.slots[i] = this.spawn();
    let best = this.slots[this.turn % this.slots.length];
    for (let k = 1; k < this.slots.length; k++) {
      const s = this.slots[(this.turn + k) % this.slots.length];
      if (s.pending.size < best.pending.size) best = s;
    }
    this.turn += 1;
    return best;
  }

  private post(slot: Slot, m: ToHttpWorker): void {
    if (!slot.dead) slot.worker.postMessage(m);
  }

  private onMessage(slot: Slot, m: FromHttpWorker): void {
    if (m?.t === 'warmed') {
      slot.warms.get(m.id)?.();
      slot.warms.delete(m.id);
      return;
    }
    const p = m?.t === 'result' ? slot.pending.get(m.id) : undefined;
    if (!p) return; // an answer to an attempt already failed here (abort timer, crash): dropped
    this.crashesInARow = 0;
    const r = isAttemptResult(m.result)
      ? m.result
      : failedHere('invalid_response', 'the HTTP worker thread sent a malformed result for this attempt', p.postedAt, performance.now());
    this.settle(slot, m.id, r);
  }

  private settle(slot: Slot, id: number, r: AttemptResult): void {
    const p = slot.pending.get(id);
    if (!p) return;
    slot.pending.delete(id);
    if (p.onAbort && p.signal) offAbort(p.signal, p.onAbort);
    if (p.onCancelHold && p.cancelHold) offAbort(p.cancelHold, p.onCancelHold);
    clearTimeout(p.timer);
    if (slot.pending.size === 0 && slot.warms.size === 0) slot.worker.unref();
    p.resolve(r);
  }

  private onStopped(slot: Slot, why: string): void {
    if (slot.dead) return;
    slot.dead = true;
    if (this.closed) return;
    this.crashesInARow += 1;
    this.failAll(slot, 'connection', `the HTTP worker thread stopped with this attempt in flight (${why}); a fresh worker takes the next attempts`);
  }

  private failAll(slot: Slot, type: ErrorType, message: string): void {
    const end = performance.now();
    for (const [id, p] of [...slot.pending]) this.settle(slot, id, failedHere(type, message, p.postedAt, end));
    for (const w of slot.warms.values()) w();
    slot.warms.clear();
  }

  private interruptMessage(signal: AbortSignal): string {
    const why = reasonText(signal);
    return why && why !== 'This operation was aborted' ? `interrupted: ${why}` : 'interrupted';
  }
}
