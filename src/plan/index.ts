export { planJobs, makePlan, type Plan, type PlanOverrides } from './plan-jobs.ts';
export { parseModelRef, type ModelRef } from './model-ref.ts';
export { jobId } from './job-id.ts';
export { renderMessages } from './render-messages.ts';
export { selectCases } from './select-cases.ts';
export type { Job } from './types.ts';
export { shardJobs, parseShard, type ShardSpec } from './shard.ts';
export { checkPlanSize, DEFAULT_MAX_JOBS, type PlanFactors } from './plan-size.ts';
