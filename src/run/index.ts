// The scheduling engine: jobs in, attempts and rows out (no files, no reports). One run assembled
// from a suite file (providers, warm-up, resume, budgets, reports) is src/session.
export { runJobs, type RunJobsOptions, type RunJobsResult, type RunEvent, type ResolvedProvider, type DispatchGate } from './run-jobs.ts';
export { withRetry, isRetryable, type RetryOutcome } from './retry.ts';
export { backoffDelayMs } from './backoff.ts';
export type { LoadMode, ReleaseInfo, GateRefusal } from './run-jobs.ts';
export { arrivalTimes } from './arrivals.ts';
export { parseRunDuration, parseWarmup, type WarmupSpec } from './duration.ts';
export { withResponseCache, cacheKey } from './response-cache.ts';
export { createBudgetGate } from './budget-gate.ts';
