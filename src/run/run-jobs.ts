import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { Job } from '../plan/types.ts';
import type { AttemptResult, FetchLike, ProviderEndpoint } from '../providers/types.ts';
import { sendChatCompletion } from '../providers/openai-client.ts';
import { endpointUrl } from '../providers/url-policy.ts';
import { redactStrings, requestSecrets } from '../providers/redact.ts';
import type { Clock } from '../measure/types.ts';
import type { RetryPolicy } from '../suite/schema.ts';
import { buildRequestBody } from './build-body.ts';
import { StreamOptionsFallback } from './stream-options-fallback.ts';
import { buildResultRow, skippedRow } from './build-row.ts';
import type { ResultRow } from '../results/result-row.ts';
import { withRetry } from './retry.ts';
import { arrivalTimes, type ArrivalKind } from './arrivals.ts';
import { runSchedule, waitUntil } from './release-clock.ts';
import { JobStream, type JobSource, type StreamedJob } from './job-stream.ts';
import type { WarmupSpec } from './duration.ts';
import { AdaptiveLimiter, type ConcurrencyChange } from './adaptive-concurrency.ts';

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

/** How jobs are released (docs/metrics.md: t_sched is a job's turn in closed loop, its arrival time in open loop). */
export type LoadMode =
  | { kind: 'closed' }
  | {
      kind: 'open';
      /** Requests per second offered, whatever the server does. */
      rate: number;
      /** Default poisson. */
      arrival?: ArrivalKind;
      /** Seeds the Poisson schedule (default DEFAULT_ARRIVAL_SEED): the same run offers the same load. */
      seed?: number;
      /** Retry failed requests as the retry policy says. Default false: a retry is load the schedule did not offer. */
      retries?: boolean;
    };

/** One open-loop release: `releasedAt - dueAt` is the client's schedule lag. */
export interface ReleaseInfo {
  job: Job;
  dueAt: number;
  releasedAt: number;
  warmup: boolean;
}

/** One attempt of a job; `job` lets a wrapper (the response cache) tell repeats of the same request apart. */
export type SendAttempt = (req: Parameters<typeof sendChatCompletion>[0], deps: Parameters<typeof sendChatCompletion>[1], job: Job) => Promise<AttemptResult>;

export interface RunJobsOptions {
  providers: ReadonlyMap<string, ResolvedProvider>;
  /**
   * Closed loop: the cap on requests in flight. Open loop: an optional ceiling (Infinity = none);
   * released jobs beyond it wait for a slot, and the wait shows in queue_ms.
   */
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
  /** `--allow-insecure-http`: let a redirect lead to http:// on another machine. */
  allowInsecureHttp?: boolean;
  /** The HTTP client (default sendChatCompletion); --cache wraps it (and keys on the job's repeat). */
  send?: SendAttempt;
  /** Fills in grading and cost before the row is written. */
  finishRow?: (job: Job, row: ResultRow) => Promise<ResultRow> | ResultRow;
  /** Called once per job, as soon as the job ends: the sink writes it to disk there. */
  onRow: (row: ResultRow) => void;
  onEvent?: (event: RunEvent) => void;
  /** Default closed loop. */
  mode?: LoadMode;
  /**
   * Length of the measured phase: the jobs are cycled until it is over (later passes get ids
   * `<id>~2`, `<id>~3`: see passJobId; `jobs` must then be an array or a factory). Then nothing new
   * is sent; requests still in flight after `durationGraceMs` are aborted and written as
   * status error, error_type `incomplete`. Open loop: released jobs still waiting for a slot get
   * skipped `incomplete` rows; closed loop: jobs merely queued get no row (they were never due).
   */
  durationMs?: number;
  /** Default 0: the run ends on time. */
  durationGraceMs?: number;
  /**
   * Runs first; rows carry `warmup: true` (ids `<id>~w1`...). Closed loop: warm-up jobs run, in-flight
   * ones finish, then measuring starts (a `ms` warm-up drops jobs still queued at its end). Open
   * loop: the schedule goes on without a gap and the first arrivals are warm-up.
   */
  warmup?: WarmupSpec;
  /** AIMD concurrency per provider instead of fixed caps (see AdaptiveLimiter). */
  adaptive?: boolean | { increaseAfter?: number };
  onConcurrencyChange?: (change: ConcurrencyChange) => void;
  /** Open loop: every release (self-check: schedule lag and offered rate). */
  onRelease?: (info: ReleaseInfo) => void;
}

export interface RunJobsResult {
  /** Every row written, warm-up included. */
  rows: number;
  /** The counts below are of measured rows (warm-up rows are in `warmup` only). */
  ok: number;
  /** Status error, `incomplete` left out. */
  errors: number;
  /** Status skipped, `incomplete` left out. */
  skipped: number;
  /** Cut off by the end of a duration run (error or skipped rows). */
  incomplete: number;
  warmup: number;
  interrupted: boolean;
  /** The duration ran out (as opposed to the jobs, an interrupt or the budget). */
  durationEnded: boolean;
  /** Open loop: arrivals released, warm-up included. */
  released: number;
  /** Requests in flight at once, at most (checked against the cap in tests). */
  maxInFlight: number;
  /** adaptive: every provider's limit changes, in time order (summary.json `adaptive_concurrency`). */
  concurrency: ConcurrencyChange[];
}

const toEpoch = (t: number) => Math.round((performance.timeOrigin + t) * 1000) / 1000;

type Limit = (fn: () => Promise<void>) => Promise<void>;

/**
 * Runs jobs closed-loop (at most `concurrency` in flight overall and `endpoint.concurrency` per
 * provider) or open-loop (released on a Poisson or constant schedule whatever the server does),
 * for one pass over the jobs or for `durationMs`, after an optional warm-up. Closed-loop jobs are
 * fed into the limiters a window at a time, so memory does not grow with the number of jobs.
 * Every job of a single-pass run yields exactly one row, whatever happens to it.
 */
export async function runJobs(jobs: JobSource, opts: RunJobsOptions): Promise<RunJobsResult> {
  const now = opts.now ?? (() => performance.now());
  const origin = now();
  const mode: LoadMode = opts.mode ?? { kind: 'closed' };
  const open = mode.kind === 'open';
  const durationMs = opts.durationMs;
  if (durationMs !== undefined && !(durationMs > 0)) throw new RangeError(`durationMs must be above 0, got ${durationMs}`);
  const cycling = durationMs !== undefined;
  const w = opts.warmup;
  const warmup = w && ('jobs' in w ? w.jobs > 0 : w.ms > 0) ? w : undefined;
  const retry = open && !mode.retries ? { ...opts.retry, max_retries: 0 } : opts.retry;
  const send: SendAttempt = opts.send ?? ((req, deps) => sendChatCompletion(req, deps));
  /** Every provider's key and credential headers: no row leaves runJobs holding one. */
  const secrets = [...opts.providers.values()].flatMap((p) => requestSecrets(p.apiKey, p.endpoint.headers)).sort((a, b) => b.length - a.length);

  const result: RunJobsResult = {
    rows: 0, ok: 0, errors: 0, skipped: 0, incomplete: 0, warmup: 0, interrupted: false, durationEnded: false,
    released: 0, maxInFlight: 0, concurrency: [],
  };
  const global = pLimit(opts.concurrency);
  const perProvider = new Map<string, Limit>();
  const adaptive = new Map<string, AdaptiveLimiter>();
  const streamOptions = new StreamOptionsFallback();
  for (const [id, p] of opts.providers) {
    if (opts.adaptive) {
      const limiter = new AdaptiveLimiter({
        provider: id, max: p.endpoint.concurrency ?? opts.concurrency, now, origin,
        increaseAfter: typeof opts.adaptive === 'object' ? opts.adaptive.increaseAfter : undefined,
        onChange: (c) => {
          result.concurrency.push(c);
          opts.onConcurrencyChange?.(c);
        },
      });
      adaptive.set(id, limiter);
      perProvider.set(id, (fn) => limiter.run(fn));
    } else if (p.endpoint.concurrency) {
      const limit = pLimit(p.endpoint.concurrency);
      perProvider.set(id, (fn) => limit(fn));
    }
  }

  // stopSending: no new request or retry (Ctrl-C, or the duration is over).
  // hardStop: cancels attempts in flight (after the grace period).
  const stopSending = new AbortController();
  const hardStop = new AbortController();
  // Every attempt in flight (and every retry wait) listens on these: hundreds in open loop.
  setMaxListeners(0, stopSending.signal, hardStop.signal);
  let stopCause: 'interrupt' | 'duration' | undefined;
  const timers: NodeJS.Timeout[] = [];
  const later = (ms: number, fn: () => void) => void timers.push(setTimeout(fn, ms));
  let wake: (() => void) | undefined;
  const wakeFeeder = () => {
    const f = wake;
    wake = undefined;
    f?.();
  };
  const onInterrupt = () => {
    stopCause ??= 'interrupt';
    stopSending.abort(opts.signal?.reason);
    later(opts.graceMs ?? 2000, () => hardStop.abort(new Error('interrupted')));
    wakeFeeder();
  };
  const endDuration = () => {
    if (stopCause) return;
    stopCause = 'duration';
    result.durationEnded = true;
    stopSending.abort(new Error('the duration ended'));
    const grace = opts.durationGraceMs ?? 0;
    if (grace > 0) later(grace, () => hardStop.abort(new Error('the duration ended')));
    else hardStop.abort(new Error('the duration ended'));
    wakeFeeder();
  };
  if (opts.signal?.aborted) onInterrupt();
  else opts.signal?.addEventListener('abort', onInterrupt, { once: true });

  let inFlight = 0;
  /** Closed loop, `ms` warm-up: its time is up, warm-up jobs still queued are dropped. */
  let warmupOver = false;
  /** The gate refused a job in a duration run: cycling on would only write skipped rows. */
  let stopFeeding = false;

  const emit = (s: StreamedJob, built: ResultRow, scheduledAt: number) => {
    // Every row passes here before it is written or shown: redacted once, for every output.
    const row = redactStrings(built, secrets);
    if (s.warmup) row.warmup = true;
    if (s.warmup || cycling) row.pass = s.pass;
    if (open) row.scheduled_epoch_ms = toEpoch(scheduledAt);
    opts.onRow(row);
    result.rows += 1;
    if (row.warmup) result.warmup += 1;
    else if (row.error_type === 'incomplete') result.incomplete += 1;
    else if (row.status === 'ok') result.ok += 1;
    else if (row.status === 'error') result.errors += 1;
    else result.skipped += 1;
    opts.onEvent?.({ type: 'job-end', job: s.job, row });
  };

  const runOne = async (s: StreamedJob, scheduledAt: number): Promise<void> => {
    const { job } = s;
    const stopped = stopSending.signal.aborted;
    // A closed-loop job that was only queued when its phase ended was never due: no row.
    if (!open && ((s.warmup && (warmupOver || stopped)) || (cycling && (stopped || stopFeeding)))) return;
    if (stopped) {
      emit(s, stopCause === 'duration'
        ? skippedRow(job, 'incomplete', 'not sent: released, but the duration ended before a slot was free')
        : skippedRow(job, 'interrupted', 'not run: the run was interrupted before this job started'), scheduledAt);
      return;
    }
    const refusal = await opts.gate?.check(job);
    if (refusal) {
      if (cycling) {
        stopFeeding = true;
        wakeFeeder();
      }
      emit(s, skippedRow(job, refusal.errorType, refusal.message), scheduledAt);
      return;
    }
    const provider = opts.providers.get(job.provider);
    if (!provider) throw new Error(`internal: provider ${job.provider} was not resolved before the run`);
    const limiter = adaptive.get(job.provider);
    const body = buildRequestBody(job);
    const url = endpointUrl(provider.endpoint.baseUrl, 'chat/completions');
    const { sampleHeader } = provider.endpoint;
    const headers = sampleHeader ? { ...provider.endpoint.headers, [sampleHeader]: String(job.repeat) } : provider.endpoint.headers;
    opts.onEvent?.({ type: 'job-start', job });
    inFlight += 1;
    if (inFlight > result.maxInFlight) result.maxInFlight = inFlight;
    let outcome;
    try {
      outcome = await withRetry(
        async () => {
          if (limiter) await limiter.ready(stopSending.signal);
          const r = await streamOptions.send(job.provider, body, (b) => send(
            { url, apiKey: provider.apiKey, headers, body: b, timeoutMs: job.timeoutMs, signal: hardStop.signal },
            { fetch: opts.fetch, now, allowInsecureHttp: opts.allowInsecureHttp },
            job,
          ));
          limiter?.observe(r);
          return r;
        },
        retry,
        {
          signal: stopSending.signal,
          random: opts.random,
          sleep: opts.sleep,
          onRetry: ({ attempt, delayMs, result: r }) => opts.onEvent?.({ type: 'retry', job, attempt, delayMs, result: r }),
        },
      );
    } finally {
      inFlight -= 1;
    }
    let row = buildResultRow(job, outcome, scheduledAt);
    if (outcome.result.errorType === 'interrupted' && stopCause === 'duration') {
      row = { ...row, error_type: 'incomplete', error_message: 'still in flight when the duration ended: aborted and reported, not dropped' };
    }
    if (opts.finishRow) row = await opts.finishRow(job, row);
    opts.gate?.settled(job, row);
    emit(s, row, scheduledAt);
  };

  let pending = 0;
  const failures: unknown[] = [];
  const settled = () => {
    pending -= 1;
    wakeFeeder();
  };
  const waitForSettle = () => new Promise<void>((r) => (wake = r));
  const dispatch = (s: StreamedJob, scheduledAt: number) => {
    pending += 1;
    const task = () => global(() => runOne(s, scheduledAt));
    const limit = perProvider.get(s.job.provider);
    (limit ? limit(task) : task()).catch((e) => failures.push(e)).finally(settled);
  };
  const drain = async () => {
    while (pending > 0) await waitForSettle();
  };

  // Closed loop: feed jobs a window at a time, enough queued to keep every slot busy, never the whole plan.
  const window = Math.min(Math.max(64, opts.concurrency * 4), 65_536);
  const feedClosed = async (stream: JobStream, phase: { warmup: boolean; maxJobs?: number; until?: number }) => {
    let fed = 0;
    const over = () =>
      stopFeeding ||
      ((cycling || phase.warmup) && stopSending.signal.aborted) ||
      (phase.maxJobs !== undefined && fed >= phase.maxJobs) ||
      (phase.until !== undefined && now() >= phase.until);
    for (;;) {
      if (over()) return;
      while (pending >= window) {
        await waitForSettle();
        if (over()) return;
      }
      const s = stream.next();
      if (!s) return;
      fed += 1;
      dispatch(s, now());
    }
  };

  const runClosed = async (stream: JobStream) => {
    if (warmup) {
      stream.begin(true);
      let until: number | undefined;
      if ('ms' in warmup) {
        until = now() + warmup.ms;
        later(warmup.ms, () => {
          warmupOver = true;
          wakeFeeder();
        });
      }
      await feedClosed(stream, { warmup: true, maxJobs: 'jobs' in warmup ? warmup.jobs : undefined, until });
      await drain();
    }
    stream.begin(false);
    let end: number | undefined;
    if (durationMs !== undefined && !stopSending.signal.aborted) {
      end = now() + durationMs;
      later(durationMs, endDuration);
    }
    await feedClosed(stream, { warmup: false, until: end });
    if (end !== undefined && now() >= end) endDuration();
  };

  const runOpen = async (stream: JobStream, m: Extract<LoadMode, { kind: 'open' }>) => {
    const start = now();
    let inWarmup = warmup !== undefined;
    let warmupReleased = 0;
    const warmupEnd = warmup && 'ms' in warmup ? start + warmup.ms : undefined;
    let end = !inWarmup && durationMs !== undefined ? start + durationMs : undefined;
    let reachedEnd = false;
    stream.begin(inWarmup);
    await runSchedule(arrivalTimes(m.rate, m.arrival ?? 'poisson', m.seed), {
      start, now, signal: stopSending.signal,
      release: (due, releasedAt) => {
        if (inWarmup && (warmupEnd !== undefined ? due >= warmupEnd : warmupReleased >= (warmup as { jobs: number }).jobs)) {
          inWarmup = false;
          stream.begin(false);
          if (durationMs !== undefined) end = (warmupEnd ?? due) + durationMs;
        }
        if (end !== undefined && due >= end) {
          reachedEnd = true;
          return false;
        }
        if (stopFeeding) return false;
        const s = stream.next();
        if (!s) return false;
        if (inWarmup) warmupReleased += 1;
        result.released += 1;
        opts.onRelease?.({ job: s.job, dueAt: due, releasedAt, warmup: s.warmup });
        dispatch(s, due);
      },
    });
    if (reachedEnd) {
      await waitUntil(end!, now, stopSending.signal);
      endDuration();
    } else if (!cycling && stopSending.signal.aborted) {
      // Interrupted: the rest of the plan still gets its (skipped) rows.
      if (inWarmup) stream.begin(false);
      for (let s = stream.next(); s; s = stream.next()) dispatch(s, now());
    }
  };

  try {
    const stream = new JobStream(jobs, cycling);
    if (mode.kind === 'open') await runOpen(stream, mode);
    else await runClosed(stream);
    await drain();
  } finally {
    for (const t of timers) clearTimeout(t);
    opts.signal?.removeEventListener('abort', onInterrupt);
  }
  if (failures.length > 0) throw failures[0];
  result.interrupted = opts.signal?.aborted ?? false;
  return result;
}
