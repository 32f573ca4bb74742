export { wilsonInterval, Z_95, type ProportionInterval } from './wilson-interval.ts';
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
  type PassComparison,
  type PairwiseComparison,
  type ComparisonBasis,
  type BestConfigRow,
  type EffortRow,
  type EffortTable,
} from './quality-report.ts';
export { renderQualityMarkdown, renderQualityText } from './render-quality.ts';
export { renderTextTable, renderMarkdownTable, type Align } from './text-table.ts';
