export { runSuite, type RunOptions, type RunOutcome } from './run-suite.ts';
export { runJobs, type RunJobsOptions, type RunJobsResult, type RunEvent, type ResolvedProvider, type DispatchGate } from './run-jobs.ts';
export { withRetry, isRetryable, type RetryOutcome } from './retry.ts';
export { backoffDelayMs } from './backoff.ts';
export { resolveProviders } from './resolve-providers.ts';
export { RESULT_COLUMNS, type ResultRow, type RowStatus } from './result-row.ts';
