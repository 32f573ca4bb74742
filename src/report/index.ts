export {
  JsonlSink, JsonlRowReader, readJsonlRows, type JsonlSinkOptions, type JsonlReadStats,
} from '../results/jsonl-sink.ts';
export { writeCsvFromJsonl, resultCsvOptions, CSV_COLUMNS } from './csv-writer.ts';
export {
  summarizeDistribution, SampleBuffer, LogHistogram, EMPTY_DISTRIBUTION,
  type DistributionSummary, type LogHistogramOptions,
} from '../measure/statistics.ts';
export { SampleSketch, EXACT_SAMPLE_CAP, SKETCH_RELATIVE_ERROR, type SampleSketchOptions } from '../measure/sample-sketch.ts';
export { ExternalSorter, type ExternalSortOptions } from './external-sort.ts';
export {
  SummaryBuilder, summarizeRows, writeSummaryJson, type SummaryBuilderOptions,
  type Summary, type SummaryMeta, type SummaryInputRow, type GroupSummary, type MetricDistributions,
  type TokenTotals, type GradingSummary, type ThroughputSummary,
} from './summary.ts';
export { renderSummaryMarkdown } from './summary-markdown.ts';
export { renderSummaryTable, type SummaryTableOptions } from './summary-table.ts';
export { REPORT_FILES } from './report-files.ts';
export { rebuildReports, type RebuildOptions } from './rebuild-reports.ts';
export * from './reporters/index.ts';
export {
  gatesSchema, resolveGates, evaluateGates, gatesPassed, renderGatesTable, withBudgetVerdicts, GATE_NAMES,
  type GateConfig, type GateResult, type GateName, type GateRowName, type BudgetUse,
} from './gates.ts';
export { writeJunitXml, renderJunitXml } from './junit.ts';
export { mergeRunDirs, type MergeResult, type MergeOptions } from './merge.ts';
export { mergeSummaryDirs } from './merge-summaries.ts';
export { MergeIncompleteError, type ShardSetSummary } from './shard-set.ts';
export { MergeableDistribution, MERGE_SKETCH_RELATIVE_ERROR } from './mergeable-distribution.ts';
export * from './compare/index.ts';
export { writeHtmlReport, renderHtmlReport, HTML_REPORT_FILE } from './html/index.ts';
