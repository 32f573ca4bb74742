import { sendChatCompletion } from '../providers/openai-client.ts';
import { requestSecrets } from '../providers/redact.ts';
import type { Clock } from '../measure/types.ts';
import type { RetryPolicy } from '../suite/schema.ts';
import type { WarmupSpec } from './duration.ts';
import type { JobBacklog, TakenJob } from './job-backlog.ts';
import { providerSlots, type ProviderSlots } from './provider-slots.ts';
import { RowTally } from './row-tally.ts';
import { RunStop } from './run-stop.ts';
import { StreamOptionsFallback } from './stream-options-fallback.ts';
import { WorkerPool } from './worker-pool.ts';
import type { LoadMode, RunJobsOptions, RunJobsResult, SendAttempt } from './run-options.ts';

/** What one run shares between its workers: options as resolved once, the stop state, slots and counts. */
export interface Engine {
  opts: RunJobsOptions;
  now: Clock;
  mode: LoadMode;
  cycling: boolean;
  warmup: WarmupSpec | undefined;
  retry: RetryPolicy;
  send: SendAttempt;
  stop: RunStop;
  slots: Map<string, ProviderSlots>;
  streamOptions: StreamOptionsFallback;
  tally: RowTally;
  result: RunJobsResult;
  /** Requests in flight now (result.maxInFlight keeps the highest). */
  inFlight: number;
  failures: unknown[];
  /** The workers of the current phase: woken when the stop state or a provider's capacity changes. */
  pool?: WorkerPool<TakenJob>;
}

export function createEngine(opts: RunJobsOptions): Engine {
  const now = opts.now ?? (() => performance.now());
  const origin = now();
  const mode: LoadMode = opts.mode ?? { kind: 'closed' };
  if (opts.durationMs !== undefined && !(opts.durationMs > 0)) throw new RangeError(`durationMs must be above 0, got ${opts.durationMs}`);
  const cycling = opts.durationMs !== undefined;
  const w = opts.warmup;
  const result: RunJobsResult = {
    rows: 0, ok: 0, errors: 0, skipped: 0, incomplete: 0, warmup: 0, interrupted: false, durationEnded: false,
    released: 0, maxInFlight: 0, concurrency: [],
  };
  const secrets = [...opts.providers.values()].flatMap((p) => requestSecrets(p.apiKey, p.endpoint.headers)).sort((a, b) => b.length - a.length);
  const e: Engine = {
    opts, now, mode, cycling, result, inFlight: 0, failures: [],
    warmup: w && ('jobs' in w ? w.jobs > 0 : w.ms > 0) ? w : undefined,
    retry: mode.kind === 'open' && !mode.retries ? { ...opts.retry, max_retries: 0 } : opts.retry,
    send: opts.send ?? ((req, deps) => sendChatCompletion(req, deps)),
    stop: new RunStop(opts.graceMs ?? 2000, opts.durationGraceMs ?? 0),
    streamOptions: new StreamOptionsFallback(),
    tally: new RowTally({ onRow: opts.onRow, onEvent: opts.onEvent, secrets, open: mode.kind === 'open', cycling }, result),
    slots: providerSlots(opts.providers, {
      concurrency: opts.concurrency, adaptive: opts.adaptive, now, origin,
      onConcurrencyChange: (c) => {
        result.concurrency.push(c);
        opts.onConcurrencyChange?.(c);
      },
      // Deferred: the limiter calls this from inside a worker's take.
      onCapacity: () => queueMicrotask(() => e.pool?.wakeOne()),
    }),
  };
  e.stop.onChange(() => e.pool?.wakeAll());
  return e;
}

/** Starts the workers of one phase on `backlog` (at most `max` of them, `work` runs each job). */
export function startWorkers(e: Engine, backlog: JobBacklog, max: number, work: (t: TakenJob) => Promise<void>): WorkerPool<TakenJob> {
  const pool = new WorkerPool(max, () => backlog.next(), work);
  e.pool = pool;
  pool.demand();
  return pool;
}

/** Waits for every worker of the phase; a job that threw is kept for runJobs to rethrow. */
export async function finishWorkers(e: Engine, pool: WorkerPool<TakenJob>): Promise<void> {
  await pool.done();
  e.failures.push(...pool.failures);
}
