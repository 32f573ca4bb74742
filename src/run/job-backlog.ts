import { Fifo } from './fifo.ts';
import type { StreamedJob } from './job-stream.ts';
import type { ProviderSlots } from './provider-slots.ts';

/** A job and the time it was due (t_sched: its turn in closed loop, its arrival in open loop). */
export interface DueJob {
  s: StreamedJob;
  scheduledAt: number;
  /**
   * Open loop with a release lead (RunJobsOptions.releaseLeadMs): handed over before it is due;
   * the client holds the send until `scheduledAt` and the release is reported after it.
   */
  releasedByClient?: boolean;
}

/** A job handed to a worker, with the provider slot it holds (give it back when the job has ended). */
export interface TakenJob extends DueJob {
  slots?: ProviderSlots;
}

/** Nothing can be taken now, but more may come: the worker waits to be woken. */
export const LATER = Symbol('later');

export interface BacklogOptions {
  slots: ReadonlyMap<string, ProviderSlots>;
  /** The closed loop's next job of the phase (undefined: the phase has no more); the open loop pushes instead. */
  pull?: () => DueJob | undefined;
  /** Jobs held at most while their providers are busy: the closed loop's look-ahead, so memory stays flat. */
  maxWaiting: number;
  /** The closed loop's stop predicate: once true nothing is handed out, and jobs still waiting are dropped (never due). */
  over?: () => boolean;
  /** True once no job will be sent: waiting jobs then need no slot (they only get their skipped rows). */
  unsent: () => boolean;
}

interface Waiting extends DueJob {
  seq: number;
}

/**
 * The one source every worker takes from. A job whose provider has a free slot goes to the worker
 * at once; one whose provider is busy waits here (in order, per provider) while the worker takes
 * another provider's job, so one slow provider never holds up the others.
 */
export class JobBacklog {
  private readonly waiting = new Map<string, Fifo<Waiting>>();
  private count = 0;
  private seq = 0;
  private ended = false;

  constructor(private readonly opts: BacklogOptions) {}

  /** Open loop: a released job joins the backlog. */
  push(job: DueJob): void {
    this.queue(job.s.job.provider).push({ ...job, seq: this.seq++ });
    this.count += 1;
  }

  /** No job will be pushed any more: workers end once the backlog is empty. */
  close(): void {
    this.ended = true;
  }

  /** The next job for a worker, LATER (wait and ask again), or undefined (the phase is over: the worker ends). */
  next(): TakenJob | undefined | typeof LATER {
    if (this.opts.over?.()) {
      this.drop();
      return undefined;
    }
    const unsent = this.opts.unsent();
    const waited = this.count > 0 ? this.takeWaiting(unsent) : undefined;
    if (waited) return waited;
    while (!this.ended && this.opts.pull && this.count < this.opts.maxWaiting) {
      const due = this.opts.pull();
      if (!due) this.ended = true;
      else {
        const taken = this.admit(due, unsent);
        if (taken) return taken;
      }
    }
    return this.ended && this.count === 0 ? undefined : LATER;
  }

  /** A fresh job runs at once if its provider has a slot; otherwise it waits behind that provider's queue. */
  private admit(due: DueJob, unsent: boolean): TakenJob | undefined {
    const slots = unsent ? undefined : this.opts.slots.get(due.s.job.provider);
    if (!slots || slots.tryAcquire()) return slots ? { ...due, slots } : due;
    const q = this.queue(due.s.job.provider);
    q.push({ ...due, seq: this.seq++ });
    this.count += 1;
    slots.setWaiting(q.length);
    return undefined;
  }

  /** The oldest waiting job whose provider has a free slot (any waiting job once nothing is sent). */
  private takeWaiting(unsent: boolean): TakenJob | undefined {
    let blocked: string[] | undefined;
    for (;;) {
      let best: [string, Fifo<Waiting>] | undefined;
      for (const entry of this.waiting) {
        const head = entry[1].peek();
        if (head && (!best || head.seq < best[1].peek()!.seq) && !blocked?.includes(entry[0])) best = entry;
      }
      if (!best) return undefined;
      const [provider, q] = best;
      const slots = unsent ? undefined : this.opts.slots.get(provider);
      if (slots && !slots.tryAcquire()) {
        (blocked ??= []).push(provider);
        continue;
      }
      const { seq: _, ...due } = q.shift()!;
      this.count -= 1;
      slots?.setWaiting(q.length);
      return slots ? { ...due, slots } : due;
    }
  }

  private queue(provider: string): Fifo<Waiting> {
    let q = this.waiting.get(provider);
    if (!q) this.waiting.set(provider, (q = new Fifo()));
    return q;
  }

  private drop(): void {
    if (this.count === 0) return;
    for (const [provider, q] of this.waiting) {
      q.clear();
      this.opts.slots.get(provider)?.setWaiting(0);
    }
    this.count = 0;
  }
}
