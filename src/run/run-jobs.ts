import pLimit, { type LimitFunction } from 'p-limit';
import type { Job } from '../plan/types.ts';
import type { AttemptResult, FetchLike, ProviderEndpoint } from '../providers/types.ts';
import { sendChatCompletion } from '../providers/openai-client.ts';
import type { Clock } from '../measure/types.ts';
import type { RetryPolicy } from '../suite/schema.ts';
import { buildRequestBody } from './build-body.ts';
import { buildResultRow, skippedRow } from './build-row.ts';
import type { ResultRow } from './result-row.ts';
import { withRetry } from './retry.ts';

export interface ResolvedProvider {
  endpoint: ProviderEndpoint;
  /** Read from the environment by the caller; only ever put in the Authorization header. */
  apiKey?: string;
}

export type RunEvent =
  | { type: 'job-start'; job: Job }
  | { type: 'retry'; job: Job; attempt: number; delayMs: number; result: AttemptResult }
  | { type: 'job-end'; job: Job; row: ResultRow };

export interface GateRefusal {
  errorType: 'budget';
  message: string;
}

/** Decides, just before a job is sent, whether it may go (the budget guard plugs in here). */
export interface DispatchGate {
  /** undefined = go; otherwise the reason it may not (the job gets a skipped row). May wait (e.g. for in-flight costs to settle). */
  check(job: Job): GateRefusal | undefined | Promise<GateRefusal | undefined>;
  settled(job: Job, row: ResultRow): void;
}

export interface RunJobsOptions {
  providers: ReadonlyMap<string, ResolvedProvider>;
  /** Global cap on requests in flight. */
  concurrency: number;
  retry: RetryPolicy;
  /** Abort = stop dispatching; in-flight requests get `graceMs` to finish, then are cancelled. */
  signal?: AbortSignal;
  graceMs?: number;
  fetch?: FetchLike;
  now?: Clock;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  gate?: DispatchGate;
  /** The HTTP client (default sendChatCompletion); --cache wraps it. */
  send?: typeof sendChatCompletion;
  /** Fills in grading and cost before the row is written. */
  finishRow?: (job: Job, row: ResultRow) => Promise<ResultRow> | ResultRow;
  /** Called once per job, as soon as the job ends: the sink writes it to disk there. */
  onRow: (row: ResultRow) => void;
  onEvent?: (event: RunEvent) => void;
}

export interface RunJobsResult {
  rows: number;
  ok: number;
  errors: number;
  skipped: number;
  interrupted: boolean;
  /** Requests in flight at once, at most (checked against the cap in tests). */
  maxInFlight: number;
}

/**
 * Runs jobs closed-loop: at most `concurrency` in flight overall and `endpoint.concurrency` per
 * provider. Jobs are fed into the limiters a window at a time, so memory does not grow with the
 * number of jobs. Every job yields exactly one row, whatever happens to it.
 */
export async function runJobs(jobs: Iterable<Job>, opts: RunJobsOptions): Promise<RunJobsResult> {
  const now = opts.now ?? (() => performance.now());
  const global = pLimit(opts.concurrency);
  const perProvider = new Map<string, LimitFunction>();
  for (const [id, p] of opts.providers) {
    if (p.endpoint.concurrency) perProvider.set(id, pLimit(p.endpoint.concurrency));
  }
  // Cancels in-flight attempts once the grace period after an interrupt is over.
  const hardStop = new AbortController();
  let graceTimer: NodeJS.Timeout | undefined;
  const onInterrupt = () => {
    graceTimer = setTimeout(() => hardStop.abort(new Error('interrupted')), opts.graceMs ?? 2000);
  };
  if (opts.signal?.aborted) onInterrupt();
  else opts.signal?.addEventListener('abort', onInterrupt, { once: true });

  const result: RunJobsResult = { rows: 0, ok: 0, errors: 0, skipped: 0, interrupted: false, maxInFlight: 0 };
  let inFlight = 0;

  const emit = (job: Job, row: ResultRow) => {
    opts.onRow(row);
    result.rows += 1;
    if (row.status === 'ok') result.ok += 1;
    else if (row.status === 'error') result.errors += 1;
    else result.skipped += 1;
    opts.onEvent?.({ type: 'job-end', job, row });
  };

  const runOne = async (job: Job, scheduledAt: number): Promise<void> => {
    if (opts.signal?.aborted) {
      emit(job, skippedRow(job, 'interrupted', 'not run: the run was interrupted before this job started'));
      return;
    }
    const refusal = await opts.gate?.check(job);
    if (refusal) {
      emit(job, skippedRow(job, refusal.errorType, refusal.message));
      return;
    }
    const provider = opts.providers.get(job.provider);
    if (!provider) throw new Error(`internal: provider ${job.provider} was not resolved before the run`);
    const body = buildRequestBody(job);
    const url = `${provider.endpoint.baseUrl}/chat/completions`;
    const { sampleHeader } = provider.endpoint;
    const headers = sampleHeader ? { ...provider.endpoint.headers, [sampleHeader]: String(job.repeat) } : provider.endpoint.headers;
    opts.onEvent?.({ type: 'job-start', job });
    inFlight += 1;
    if (inFlight > result.maxInFlight) result.maxInFlight = inFlight;
    let outcome;
    try {
      outcome = await withRetry(
        () =>
          (opts.send ?? sendChatCompletion)(
            { url, apiKey: provider.apiKey, headers, body, timeoutMs: job.timeoutMs, signal: hardStop.signal },
            { fetch: opts.fetch, now },
          ),
        opts.retry,
        {
          signal: opts.signal,
          random: opts.random,
          sleep: opts.sleep,
          onRetry: ({ attempt, delayMs, result: r }) => opts.onEvent?.({ type: 'retry', job, attempt, delayMs, result: r }),
        },
      );
    } finally {
      inFlight -= 1;
    }
    let row = buildResultRow(job, outcome, scheduledAt);
    if (opts.finishRow) row = await opts.finishRow(job, row);
    opts.gate?.settled(job, row);
    emit(job, row);
  };

  // Feed jobs a window at a time: enough queued to keep every slot busy, never the whole plan.
  const window = Math.max(64, opts.concurrency * 4);
  let pending = 0;
  let wake: (() => void) | undefined;
  const failures: unknown[] = [];
  const settled = () => {
    pending -= 1;
    const w = wake;
    wake = undefined;
    w?.();
  };
  for (const job of jobs) {
    while (pending >= window) await new Promise<void>((r) => (wake = r));
    pending += 1;
    const scheduledAt = now();
    const task = () => global(() => runOne(job, scheduledAt));
    const limit = perProvider.get(job.provider);
    (limit ? limit(task) : task()).catch((e) => failures.push(e)).finally(settled);
  }
  while (pending > 0) await new Promise<void>((r) => (wake = r));
  clearTimeout(graceTimer);
  opts.signal?.removeEventListener('abort', onInterrupt);
  if (failures.length > 0) throw failures[0];
  result.interrupted = opts.signal?.aborted ?? false;
  return result;
}
