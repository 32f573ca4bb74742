/**
 * The built-in simulator: a real OpenAI-compatible HTTP server (chat completions, streaming and
 * not) with seeded, reproducible speed, reasoning, usage, answers and faults. It is the embedded
 * default for `sim:*` models, the test peer and the benchmark target. It is not a language model.
 */
export { startSimulator, type RunningSimulator, type SimulatorOptions, type SimulatorStats } from './server.ts';
export {
  DEFAULT_MODELS, SIM_EFFORTS, resolveModels, accuracyFor, effectiveEffort,
  type SimModel, type SimModelOverride, type SimEffort, type DelaySpec,
} from './models.ts';
export { FAULT_KINDS, NO_FAULTS, type FaultKind, type FaultRates } from './faults.ts';
export { answerPrompt, matchTask, CAPITALS, type EngineAnswer, type TaskMatch } from './answer-engine.ts';
export { planResponse, promptKey, IMAGE_PROMPT_TOKENS, type ResponsePlan, type PlanInput, type UsageJson } from './response-plan.ts';
export { CACHE_BLOCK_TOKENS, PromptCache } from './prompt-cache.ts';
export { SeededRandom, hashString } from './seeded-random.ts';
export { TimingLog, monotonicOffsetMs, MAX_TIMING_RECORDS, type SimTiming } from './timing-log.ts';
