import type { Job } from '../plan/types.ts';
import type { AttemptResult, FetchLike, ProviderEndpoint } from '../providers/types.ts';
import type { sendChatCompletion } from '../providers/openai-client.ts';
import type { Clock } from '../measure/types.ts';
import type { RetryPolicy } from '../suite/schema.ts';
import type { ResultRow } from '../results/result-row.ts';
import type { ArrivalKind } from './arrivals.ts';
import type { WarmupSpec } from './duration.ts';
import type { ConcurrencyChange } from './adaptive-concurrency.ts';

// The engine's contract with its callers (src/session): what runJobs takes, emits and returns.

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
  /**
   * Open loop: hand each arrival to the client this long before it is due (default 0). For a client
   * that waits for `AttemptRequest.notBefore` on a thread of its own (the HTTP worker threads), so
   * a pause of this thread shorter than the lead delays no release. The release is then the
   * client's: reported (onRelease) after the first attempt, stamped when that attempt was sent.
   */
  releaseLeadMs?: number;
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
