export {
  compareRuns, compareLoadedRuns, change, assertComparable, isSlower,
  type CompareOptions, type Comparison, type ConfigComparison, type Change, type PassRateSide, type PassRateChange,
  type PairedPassTest, type CaseRegression, type RunRef,
} from './compare-runs.ts';
export { loadRunForComparison, type LoadedRun, type RowOutcome } from './load-run.ts';
export { renderComparisonText, renderComparisonMarkdown } from './render-comparison.ts';
