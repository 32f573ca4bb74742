export { EvalbenchError, EXIT, type ExitCode } from './evalbench-error.ts';
export { InputError } from './input-error.ts';
export { SuiteError, formatSuiteIssue, type SuiteIssue, type SourcePosition } from './suite-error.ts';
export { MissingApiKeyError } from './missing-api-key-error.ts';
export { OutputWriteError, asOutputWriteError } from './output-write-error.ts';
