// The row contract at the bottom of every layer: one row per job (results.jsonl / results.csv),
// the closed list of error types, and the JSONL reader and writer. Imports nothing but src/errors.
export { RESULT_COLUMNS, type ResultRow, type RowChoice, type RowStatus } from './result-row.ts';
export { ERROR_TYPES, type ErrorType } from './error-types.ts';
export type { ConcurrencyChange, ConcurrencyChangeReason } from './concurrency-change.ts';
export * from './jsonl-sink.ts';
export { configKey, configLabel, type ConfigIdentity } from './config-identity.ts';
