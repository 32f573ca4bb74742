import type { Clock } from '../measure/types.ts';
import { waitUntil } from '../providers/wait-until.ts';

const defaultNow: Clock = () => performance.now();

/** Releases in a row without yielding to the event loop (so a backlog never starves I/O). */
export const MAX_BATCH = 64;

export interface ScheduleOptions {
  /** Time origin of the offsets (same clock as `now`). */
  start: number;
  now?: Clock;
  /** Stops the schedule: no release after it aborts. */
  signal?: AbortSignal;
  /** Release each arrival this long before it is due (default 0: when due). */
  leadMs?: number;
  /**
   * Called once per arrival, as soon as it is due (with a lead, up to `leadMs` before): `dueAt` is
   * the scheduled time, `releasedAt` the clock reading at release (without a lead, their
   * difference is the client's schedule lag). Return false to
   * end the schedule; this arrival then counts as not released.
   */
  release: (dueAt: number, releasedAt: number) => boolean | void;
}

/**
 * Open-loop release loop: waits for each arrival's due time and releases it, whatever happened
 * to earlier ones. Every arrival already due is released in the same turn (a batch), so the rate
 * holds above 1000/s even though timers only have millisecond resolution. Returns the number of
 * arrivals released.
 *
 * With a lead, the client keeps the time (it holds each send until due): this loop then wakes
 * at `due - lead / 2` and releases every arrival due within the lead, so it need not be precise,
 * only never later than half the lead.
 */
export async function runSchedule(offsets: Iterator<number>, opts: ScheduleOptions): Promise<number> {
  const now = opts.now ?? defaultNow;
  const lead = opts.leadMs ?? 0;
  let released = 0;
  let inBatch = 0;
  for (;;) {
    if (opts.signal?.aborted) return released;
    const next = offsets.next();
    if (next.done) return released;
    const due = opts.start + next.value;
    let t = now();
    if (t < due - lead) {
      await waitUntil(due - lead / 2, now, opts.signal);
      if (opts.signal?.aborted) return released;
      t = now();
      inBatch = 0;
    } else if (++inBatch >= MAX_BATCH) {
      // A long backlog (the loop was blocked): let I/O run between chunks of it.
      await new Promise<void>((r) => setImmediate(r));
      inBatch = 0;
      t = now();
    }
    if (opts.release(due, t) === false) return released;
    released += 1;
  }
}
