/**
 * evalbench as a library: everything the CLI does, a program can do by importing from here.
 *
 *   import { runSuite } from 'evalbench';
 *   const { summary, outDir } = await runSuite('suites/example.yaml', { concurrency: 8 });
 */
export { runSuite, sweepSuite, runJobs, withRetry, isRetryable, backoffDelayMs, resolveProviders, RESULT_COLUMNS } from './run/index.ts';
export type { RunOptions, RunOutcome, RunJobsOptions, RunJobsResult, RunEvent, ResolvedProvider, DispatchGate, ResultRow, RowStatus } from './run/index.ts';
export { loadSuite, parseSuite, suiteJsonSchema, suiteSchema, EFFORTS } from './suite/index.ts';
export type { Suite, SuiteDocument, Effort, AssertionSpec } from './suite/index.ts';
export { planJobs, parseModelRef, jobId, shardFromEnv, resolveShard, budgetShare, planFingerprint } from './plan/index.ts';
export { readRunRecord, RUN_RECORD_FILE, type RunRecord } from './run/run-record.ts';
export { EVALBENCH_VERSION } from './version.ts';
export type { Job, PlanOverrides } from './plan/index.ts';
export * from './providers/index.ts';
export * from './measure/index.ts';
export * from './report/index.ts';
export * from './errors/index.ts';
export { estimateSuite } from './cost/estimate-suite.ts';
export * as cost from './cost/index.ts';
export * as grade from './grade/index.ts';
