export {
  loadPriceTable, parsePriceTable, pricingFromMap, mergePricing, priceFor, checkPricedModels, assertPricedModels,
  DEFAULT_PRICES_FILE, type ModelPrice, type PriceEntry, type PriceTable, type PriceOrigin, type PricingKeyIssue,
} from './price-table.ts';
export {
  modelPriceSchema, pricingMapSchema, priceFileSchema, type ModelPriceSpec, type PricingMap,
} from './price-schema.ts';
export { PriceFileError } from './price-file-error.ts';
export { requestCost, requestCostFor, unpricedModels, unpricedWarning, roundUsd, type CostUsage } from './request-cost.ts';
export {
  worstCaseCost, jobWorstCaseCost, maxCompletionTokensOf, jobModelRef, DEFAULT_MAX_COMPLETION_TOKENS,
  type PromptCounter, type JobWorstCaseOptions,
} from './worst-case.ts';
export { BudgetGuard, type BudgetDecision } from './budget-guard.ts';
export {
  estimateRun, estimateOverBudget, renderEstimateText,
  type Estimate, type EstimateGroup, type EstimateOptions, type EstimateSourceRow, type Range, type OutputBasis, type PromptBasis,
} from './estimate.ts';
export { formatUsd } from './format-usd.ts';
