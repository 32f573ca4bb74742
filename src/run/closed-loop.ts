import type { Clock } from '../measure/types.ts';
import { finishWorkers, startWorkers, type Engine } from './engine.ts';
import { JobBacklog } from './job-backlog.ts';
import type { JobStream } from './job-stream.ts';
import { runTakenJob } from './run-job.ts';
import type { RunStop } from './run-stop.ts';

/** Workers at most: an unlimited closed-loop cap still pulls a bounded number of jobs at once. */
export const MAX_CLOSED_WORKERS = 65_536;

/** Jobs held back at most while their providers are busy (beyond the ones in flight). */
export const lookahead = (concurrency: number) => Math.min(Math.max(64, concurrency * 4), MAX_CLOSED_WORKERS);

export interface ClosedPhase {
  warmup: boolean;
  /** The phase's jobs (a warm-up of N jobs); unset: as many as the stream gives. */
  maxJobs?: number;
  /** When the phase's time is up (a `ms` warm-up, or the end of a duration run). */
  until?: number;
}

/**
 * The one stop predicate of a closed-loop phase: once true, workers take nothing more and jobs
 * held back are dropped without a row (they were never due). It latches the end of a duration
 * run itself, so requests still in flight are cut at once rather than when the timer fires.
 */
export function closedPhaseOver(phase: ClosedPhase, stop: RunStop, cycling: boolean, now: Clock): boolean {
  if (stop.gateRefused) return true;
  if ((phase.warmup || cycling) && stop.sending.signal.aborted) return true;
  if (phase.until === undefined || now() < phase.until) return false;
  if (!phase.warmup) stop.endDuration();
  return true;
}

/**
 * Closed loop: `concurrency` workers pull the job stream, each sending its next job as soon as its
 * last one ended. A warm-up phase runs first and finishes (its requests in flight included)
 * before the measured phase starts; a duration run cycles the stream until its time is up.
 */
export async function runClosed(e: Engine, stream: JobStream): Promise<void> {
  const { warmup } = e;
  if (warmup) {
    stream.begin(true);
    await runPhase(e, stream, {
      warmup: true,
      maxJobs: 'jobs' in warmup ? warmup.jobs : undefined,
      until: 'ms' in warmup ? e.now() + warmup.ms : undefined,
    });
  }
  stream.begin(false);
  const durationMs = e.opts.durationMs;
  let until: number | undefined;
  if (durationMs !== undefined && !e.stop.sending.signal.aborted) {
    until = e.now() + durationMs;
    e.stop.endDurationAfter(durationMs);
  }
  await runPhase(e, stream, { warmup: false, until });
}

async function runPhase(e: Engine, stream: JobStream, phase: ClosedPhase): Promise<void> {
  let pulled = 0;
  const backlog = new JobBacklog({
    slots: e.slots,
    maxWaiting: lookahead(e.opts.concurrency),
    over: () => closedPhaseOver(phase, e.stop, e.cycling, e.now),
    unsent: () => e.stop.sending.signal.aborted,
    pull: () => {
      if (phase.maxJobs !== undefined && pulled >= phase.maxJobs) return undefined;
      const s = stream.next();
      if (!s) return undefined;
      pulled += 1;
      // t_sched is the job's turn: a worker was free for it.
      return { s, scheduledAt: e.now() };
    },
  });
  const pool = startWorkers(e, backlog, Math.min(e.opts.concurrency, MAX_CLOSED_WORKERS), (t) => runTakenJob(e, t));
  await finishWorkers(e, pool);
}
