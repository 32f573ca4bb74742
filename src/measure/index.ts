export type { Marks, RequestMetrics, Clock } from './types.ts';
export { percentileSorted } from './percentile.ts';
export { computeRequestMetrics } from './metrics.ts';
export { isCoalescedGap, coalescedShare, coalescedWarning, COALESCED_WARN_SHARE } from './coalesced-gaps.ts';
export { normalizeUsage, estimateUsage } from './usage.ts';
export {
  countTokens, countMessageTokens,
  TOKENS_PER_MESSAGE, TOKENS_REPLY_PRIMING, IMAGE_TOKENS_LOW, IMAGE_TOKENS_DEFAULT,
} from './tokenizer.ts';
export { loadTokenizer } from './tokenizer.ts';
export { parseSlo, formatSlo, GoodputCounter, type Slo, type GoodputResult } from './goodput.ts';
export { startSelfCheck, SelfCheck, type SelfCheckReport } from './self-check.ts';
