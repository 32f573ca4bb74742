/**
 * evalbench as a library: everything the CLI does, a program can do by importing from here.
 *
 *   import { runSuite } from 'evalbench';
 *   const { summary, outDir } = await runSuite('suites/example.yaml', { concurrency: 8 });
 */
export { runSuite, sweepSuite, resolveProviders } from './session/index.ts';
export type { RunOptions, RunOutcome } from './session/index.ts';
export { runJobs, withRetry, isRetryable, backoffDelayMs } from './run/index.ts';
export type { RunJobsOptions, RunJobsResult, RunEvent, ResolvedProvider, DispatchGate } from './run/index.ts';
export { RESULT_COLUMNS, ERROR_TYPES } from './results/index.ts';
export type { ResultRow, RowStatus, ErrorType } from './results/index.ts';
export { loadSuite, parseSuite, suiteJsonSchema, suiteSchema, EFFORTS } from './suite/index.ts';
export type { Suite, SuiteDocument, Effort, AssertionSpec } from './suite/index.ts';
export { planJobs, parseModelRef, jobId, shardFromEnv, resolveShard, budgetShare, planFingerprint } from './plan/index.ts';
export { readRunRecord, RUN_RECORD_FILE, type RunRecord } from './report/run-record.ts';
export { EVALBENCH_VERSION } from './version.ts';
export type { Job, PlanOverrides } from './plan/index.ts';
export * from './providers/index.ts';
export * from './measure/index.ts';
export * from './report/index.ts';
export * from './errors/index.ts';
export { estimateSuite } from './cost/estimate-suite.ts';
export * as cost from './cost/index.ts';
export * as grade from './grade/index.ts';
