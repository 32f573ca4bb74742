import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ItemOutcome } from '../grade-item.ts';
import type { PoolContext, PoolItem, PoolReply, PoolTask } from './grade-protocol.ts';
import { siblingModule, spawnWorker } from './spawn-worker.ts';

export interface GradePoolOptions {
  /** Worker threads. Default: cores − 1, at least 2, at most 4. */
  size?: number;
  /** The whole environment graders see (`process.env` in the workers). Default: empty. */
  env?: Record<string, string>;
  /** Heap limit of each worker, MB. Default 512. */
  heapMb?: number;
}

/** How long past its own limit a grader may run before its worker is terminated. */
const TERMINATE_GRACE_MS = 500;
const GRADE_HEAP_MB = 512;
/** Workers that die before they are ready, in a row, before queued work is failed instead of retried. */
const MAX_START_FAILURES = 3;

interface Job {
  id: number;
  op: PoolTask['op'];
  ctx: PoolContext;
  items: PoolItem[];
  outcomes: ItemOutcome[];
  /** Index of the item being graded (or the next one to send). */
  next: number;
  resolve: (outcomes: ItemOutcome[]) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
  lastError?: Error & { code?: string };
}

/**
 * Grading off the thread that reads sockets and stamps times: a few worker threads, each grading
 * one answer's assertions at a time. Every item is timed here, on the calling thread, from the
 * moment it starts: past its limit (plus a short grace) the worker is terminated — which stops
 * synchronous code too (an endless loop, a catastrophic regex) — the item fails with `timedOut`,
 * a fresh worker is started and the answer's remaining items go on. A worker that dies (out of
 * memory, process.exit in a grader) fails only the item it was on. Workers are unref'd while idle,
 * so a grader's leftover timer never keeps the process alive.
 */
export class GradePool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private readonly size: number;
  private nextId = 1;
  private startFailures = 0;
  private closedBecause?: string;

  constructor(private readonly options: GradePoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(4, Math.max(2, availableParallelism() - 1)));
  }

  /** Grades (or, with `load`, imports) `items` in order; resolves with one outcome per item, never rejects. */
  run(op: PoolTask['op'], ctx: PoolContext, items: PoolItem[]): Promise<ItemOutcome[]> {
    return new Promise((resolve) => {
      const job: Job = { id: this.nextId++, op, ctx, items, outcomes: new Array(items.length), next: 0, resolve };
      if (items.length === 0) return resolve([]);
      if (this.closedBecause !== undefined) return failRest(job, `grading stopped: ${this.closedBecause}`);
      this.queue.push(job);
      this.pump();
    });
  }

  /** Terminates every worker; graded-so-far outcomes stay, the rest fail with `reason`. Later calls fail at once. */
  async close(reason = 'the grading pool was closed'): Promise<void> {
    this.closedBecause ??= reason;
    const jobs = [...this.queue.splice(0), ...[...this.slots].flatMap((s) => (s.job ? [s.job] : []))];
    const slots = [...this.slots];
    this.slots.clear();
    for (const s of slots) clearTimeout(s.timer);
    for (const job of jobs) failRest(job, `grading stopped: ${this.closedBecause}`);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private pump(): void {
    let starting = [...this.slots].filter((s) => !s.ready).length;
    while (this.queue.length > starting && this.slots.size < this.size) {
      this.spawn();
      starting++;
    }
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.ready && !slot.job) this.assign(slot, this.queue.shift()!);
    }
  }

  private spawn(): void {
    const worker = spawnWorker(siblingModule(import.meta.url, 'grade-worker'), {
      env: this.options.env ?? {},
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb ?? GRADE_HEAP_MB },
    });
    const slot: Slot = { worker, ready: false };
    this.slots.add(slot);
    worker.on('message', (m: PoolReply | { ready: true }) => this.onMessage(slot, m));
    worker.on('error', (e) => (slot.lastError = e));
    worker.on('exit', (code) => this.onExit(slot, code));
  }

  private assign(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    const task: PoolTask = { id: job.id, op: job.op, ctx: job.ctx, items: job.items.slice(job.next), offset: job.next };
    slot.worker.postMessage(task);
    this.arm(slot);
  }

  /** Starts the clock of the item the worker is on now. */
  private arm(slot: Slot): void {
    clearTimeout(slot.timer);
    const job = slot.job!;
    const ms = job.items[job.next].ms;
    slot.timer = setTimeout(() => this.stop(slot, {
      ok: false, timedOut: true,
      message: `grader threw: timed out after ${ms} ms (grading_timeout: it did not return, so its worker thread was stopped)`,
    }), ms + TERMINATE_GRACE_MS);
  }

  private onMessage(slot: Slot, m: PoolReply | { ready: true }): void {
    if ('ready' in m) {
      slot.ready = true;
      this.startFailures = 0;
      slot.worker.unref();
      this.pump();
      return;
    }
    const job = slot.job;
    if (!job || m.id !== job.id) return;
    job.outcomes[m.index] = m.outcome;
    job.next = m.index + 1;
    if (job.next < job.items.length) return this.arm(slot);
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.unref();
    job.resolve(job.outcomes);
    this.pump();
  }

  /** The worker's current item ends with `outcome`; the worker goes, the answer's other items go on elsewhere. */
  private stop(slot: Slot, outcome: ItemOutcome): void {
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    void slot.worker.terminate();
    const job = slot.job;
    slot.job = undefined;
    if (job) {
      job.outcomes[job.next] = outcome;
      job.next += 1;
      if (job.next < job.items.length) this.queue.unshift(job);
      else job.resolve(job.outcomes);
    }
    this.pump();
  }

  private onExit(slot: Slot, code: number): void {
    if (!this.slots.has(slot)) return; // terminated by us
    if (!slot.ready) {
      this.slots.delete(slot);
      if (++this.startFailures >= MAX_START_FAILURES) {
        const why = slot.lastError?.message ?? `exit code ${code}`;
        for (const job of this.queue.splice(0)) failRest(job, `the grading worker could not start: ${why}`);
      }
      this.pump();
      return;
    }
    const e = slot.lastError;
    this.stop(slot, {
      ok: false,
      message: e?.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `grader ran out of memory: its worker thread went past the ${this.options.heapMb ?? GRADE_HEAP_MB} MB heap limit and was stopped`
        : `grader crashed its worker thread (${e ? e.message : `it exited with code ${code}`})`,
    });
  }
}

function failRest(job: Job, message: string): void {
  for (let i = job.next; i < job.items.length; i++) job.outcomes[i] ??= { ok: false, message };
  job.next = job.items.length;
  job.resolve(job.outcomes);
}

let shared: GradePool | undefined;

/** The pool gradeOutput uses when the caller passes none: empty environment, idle workers unref'd. */
export function sharedGradePool(): GradePool {
  shared ??= new GradePool();
  return shared;
}
