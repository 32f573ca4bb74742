export { wilsonInterval, wilsonBounds, Z_95, type ProportionInterval } from './wilson-interval.ts';
export { seededRandom, randomIndex, DEFAULT_SEED, type RandomSource } from './seeded-random.ts';
export {
  bootstrapMeanInterval,
  pairedBootstrapDiff,
  type BootstrapOptions,
  type MeanInterval,
  type PairedDiff,
} from './bootstrap.ts';
export { exactMcNemar, binomialHalfCdf } from './mcnemar.ts';
export { holmAdjust } from './holm.ts';
export { passAtK, passHatK, isFlaky, repeatStats, type RepeatStats } from './pass-at-k.ts';
export {
  buildQualityReport,
  configKey,
  configLabel,
  effortWarning,
  formatP,
  type QualityRow,
  type QualityReportOptions,
  type QualityReport,
  type ConfigQuality,
  type CaseRepeats,
  type PairwiseComparison,
  type ComparisonBasis,
  type BestConfigRow,
  type EffortRow,
  type EffortTable,
} from './quality-report.ts';
export { renderQualityMarkdown, renderQualityText } from './render-quality.ts';
export { renderTextTable, renderMarkdownTable, type Align } from './text-table.ts';
export { type PassComparison, type ScoreComparison, type PairOutcome, comparePairs } from './pairwise.ts';
export {
  passRate, meanScore, passOutcome, scoreOutcome, gradedCasesOf,
  type PassRate, type MeanScore, type PassOutcome, type OutcomeRow, type GradedCases,
} from './pass-rate.ts';
export { clusteredStderr, clusteredProportion, clusteredMcNemar, type ClusteredProportion } from './clustered.ts';
export { casesForPower, Z_POWER_80 } from './sample-size.ts';
export { clusterBootstrapMeanInterval, pairedClusterBootstrapDiff, type Cluster } from './bootstrap.ts';
export { quantileRatio, type QuantileRatio, type QuantileRatioOptions } from './quantile-ratio.ts';
