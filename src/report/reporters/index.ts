export type { Reporter, RowOrigin, RunPlanInfo, FinishedFolder } from './reporter.ts';
export { finishRunFolder } from './finish-run-folder.ts';
export { csvReporter, summaryReporter, junitReporter, sketchReporter, htmlReporter, folderFileReporters } from './folder-files.ts';
export { jsonlReporter } from './jsonl.ts';
export { goodputReporter, type GoodputReporter } from './goodput.ts';
export { failureDigestReporter, type FailureDigestReporter } from './failure-digest.ts';
export { gatesReporter, type GatesReporter, type GatesReporterOptions } from './gates.ts';
export { baselineReporter, type BaselineReporter } from './baseline.ts';
