import { runClosed } from './closed-loop.ts';
import { createEngine } from './engine.ts';
import { JobStream, type JobSource } from './job-stream.ts';
import { runOpen } from './open-loop.ts';
import type { RunJobsOptions, RunJobsResult } from './run-options.ts';

export type {
  ResolvedProvider, RunEvent, GateRefusal, DispatchGate, LoadMode, ReleaseInfo, SendAttempt, RunJobsOptions, RunJobsResult,
} from './run-options.ts';

/**
 * Runs jobs closed-loop (at most `concurrency` in flight overall and `endpoint.concurrency` per
 * provider) or open-loop (released on a Poisson or constant schedule whatever the server does),
 * for one pass over the jobs or for `durationMs`, after an optional warm-up. Either way, workers
 * pull jobs one at a time (closed-loop.ts, open-loop.ts), so memory does not grow with the number
 * of jobs. Every job of a single-pass run yields exactly one row, whatever happens to it.
 */
export async function runJobs(jobs: JobSource, opts: RunJobsOptions): Promise<RunJobsResult> {
  const e = createEngine(opts);
  const onInterrupt = () => e.stop.interrupt(opts.signal?.reason);
  if (opts.signal?.aborted) onInterrupt();
  else opts.signal?.addEventListener('abort', onInterrupt, { once: true });
  try {
    const stream = new JobStream(jobs, e.cycling);
    if (e.mode.kind === 'open') await runOpen(e, stream, e.mode);
    else await runClosed(e, stream);
  } finally {
    e.stop.dispose();
    opts.signal?.removeEventListener('abort', onInterrupt);
  }
  if (e.failures.length > 0) throw e.failures[0];
  e.result.durationEnded = e.stop.cause === 'duration';
  e.result.interrupted = opts.signal?.aborted ?? false;
  return e.result;
}
