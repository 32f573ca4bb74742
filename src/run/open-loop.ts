import { arrivalTimes } from './arrivals.ts';
import { finishWorkers, startWorkers, type Engine } from './engine.ts';
import { JobBacklog } from './job-backlog.ts';
import type { JobStream } from './job-stream.ts';
import { waitUntil } from '../providers/wait-until.ts';
import { runSchedule } from './release-clock.ts';
import { runTakenJob } from './run-job.ts';
import type { LoadMode } from './run-options.ts';

type OpenMode = Extract<LoadMode, { kind: 'open' }>;

/** Where the open-loop schedule stands: warm-up arrivals first, then the measured ones until the end. */
class OpenPhases {
  inWarmup: boolean;
  warmupReleased = 0;
  /** Set when the schedule stopped because the duration ran out (not because the jobs did). */
  reachedEnd = false;
  end: number | undefined;
  private readonly warmupEnd: number | undefined;

  constructor(private readonly e: Engine, start: number) {
    const { warmup } = e;
    this.inWarmup = warmup !== undefined;
    this.warmupEnd = warmup && 'ms' in warmup ? start + warmup.ms : undefined;
    this.end = !this.inWarmup && e.opts.durationMs !== undefined ? start + e.opts.durationMs : undefined;
  }

  /** Whether the arrival due at `due` may be released; moves from warm-up to measuring on the way. */
  admits(due: number, stream: JobStream): boolean {
    if (this.inWarmup && this.warmupDone(due)) {
      this.inWarmup = false;
      stream.begin(false);
      if (this.e.opts.durationMs !== undefined) this.end = (this.warmupEnd ?? due) + this.e.opts.durationMs;
    }
    if (this.end !== undefined && due >= this.end) {
      this.reachedEnd = true;
      return false;
    }
    return !this.e.stop.gateRefused;
  }

  private warmupDone(due: number): boolean {
    return this.warmupEnd !== undefined ? due >= this.warmupEnd : this.warmupReleased >= (this.e.warmup as { jobs: number }).jobs;
  }
}

/**
 * Open loop: a release clock puts each arrival into the backlog when it is due, whatever the
 * server does; the workers (at most `concurrency`, Infinity = as many as are released) send
 * them. Every released job gets a row: jobs still waiting when the run stops get skipped ones.
 */
export async function runOpen(e: Engine, stream: JobStream, m: OpenMode): Promise<void> {
  const start = e.now();
  const phases = new OpenPhases(e, start);
  const unsent = () => e.stop.sending.signal.aborted;
  const backlog = new JobBacklog({ slots: e.slots, maxWaiting: Infinity, unsent });
  // With a lead the client releases each job (AttemptRequest.notBefore) and run-job reports it.
  const lead = e.opts.releaseLeadMs ?? 0;
  const pool = startWorkers(e, backlog, e.opts.concurrency, (t) => runTakenJob(e, t));
  stream.begin(phases.inWarmup);
  try {
    await runSchedule(arrivalTimes(m.rate, m.arrival ?? 'poisson', m.seed), {
      start, now: e.now, signal: e.stop.sending.signal, leadMs: lead,
      release: (due, releasedAt) => {
        if (!phases.admits(due, stream)) return false;
        const s = stream.next();
        if (!s) return false;
        if (phases.inWarmup) phases.warmupReleased += 1;
        e.result.released += 1;
        if (lead === 0) e.opts.onRelease?.({ job: s.job, dueAt: due, releasedAt, warmup: s.warmup });
        backlog.push({ s, scheduledAt: due, releasedByClient: lead > 0 });
        pool.demand();
      },
    });
    if (phases.reachedEnd) {
      await waitUntil(phases.end!, e.now, e.stop.sending.signal);
      e.stop.endDuration();
    } else if (!e.cycling && e.stop.sending.signal.aborted) {
      // Interrupted: the rest of the plan still gets its (skipped) rows.
      if (phases.inWarmup) stream.begin(false);
      for (let s = stream.next(); s; s = stream.next()) backlog.push({ s, scheduledAt: e.now() });
    }
  } finally {
    backlog.close();
    pool.wakeAll();
    pool.demand(); // the plan's rest, pushed after an interrupt, may have no worker yet
    await finishWorkers(e, pool);
  }
}
