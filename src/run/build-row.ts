import type { Job } from '../plan/types.ts';
import type { AttemptResult, ErrorType, Usage } from '../providers/types.ts';
import { computeRequestMetrics } from '../measure/metrics.ts';
import { countMessageTokens } from '../measure/tokenizer.ts';
import { estimateUsage } from '../measure/usage.ts';
import { boundedSamples, MAX_ROW_ITL_SAMPLES } from '../measure/row-samples.ts';
import type { ResultRow, RowChoice } from '../results/result-row.ts';
import type { RetryOutcome } from './retry.ts';

/** Monotonic ms -> epoch ms, so rows from different processes (shards) share one time axis. */
const toEpoch = (t: number) => performance.timeOrigin + t;

const round3 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000);

/** The usage a row reports: the server's when it said, else (answered requests) an estimate. */
function rowUsage(job: Job, result: AttemptResult): { usage: Usage | null; usageSource: ResultRow['usage_source'] } {
  const usage = result.usage;
  if (!result.ok) return { usage, usageSource: null };
  if (usage && usage.completionTokens !== null) return { usage, usageSource: 'reported' };
  // Tokenizer count of the whole text, once per request (never per chunk).
  // Capped text: the estimate also uses the event count and the dropped length (usage.ts).
  const cap = result.droppedChars ? { droppedChars: result.droppedChars, tokenEvents: result.marks.tokenTimes.length } : undefined;
  const estimate = estimateChoices(usage?.promptTokens ?? countMessageTokens(job.messages), result, cap);
  return {
    usage: { ...estimate, cachedTokens: usage?.cachedTokens ?? null, reasoningTokens: usage?.reasoningTokens ?? estimate.reasoningTokens },
    usageSource: 'estimated',
  };
}

/** Turns a job's final attempt into its result row (grading and cost are filled in by the runner). */
export function buildResultRow(job: Job, outcome: RetryOutcome, scheduledAt: number): ResultRow {
  const { result } = outcome;
  const { usage, usageSource } = rowUsage(job, result);
  const completion = usage?.completionTokens ?? null;
  const metrics = computeRequestMetrics(result.marks, completion);
  const ok = result.ok;
  return {
    job_id: job.id,
    suite: job.suite,
    case_id: job.caseId,
    provider: job.provider,
    model: job.model,
    reasoning_effort: job.reasoningEffort ?? '',
    repeat: job.repeat,
    status: ok ? 'ok' : 'error',
    error_type: result.errorType,
    http_status: result.httpStatus,
    attempts: outcome.attempts,
    started_at: new Date(toEpoch(result.marks.send)).toISOString(),
    queue_ms: round3(outcome.firstSend - scheduledAt),
    latency_ms: round3(metrics.latencyMs),
    ttfb_ms: round3(metrics.ttfbMs),
    ttft_ms: round3(metrics.ttftMs),
    ttfa_ms: round3(metrics.ttfaMs),
    itl_p50_ms: round3(metrics.itlP50Ms),
    itl_max_ms: round3(metrics.itlMaxMs),
    itl_coalesced: metrics.itlCoalesced,
    tpot_ms: round3(metrics.tpotMs),
    output_tps: round3(metrics.outputTps),
    prompt_tokens: usage?.promptTokens ?? null,
    completion_tokens: usage?.completionTokens ?? null,
    reasoning_tokens: usage?.reasoningTokens ?? null,
    cached_tokens: usage?.cachedTokens ?? null,
    total_tokens: usage?.totalTokens ?? null,
    usage_source: usageSource,
    finish_reason: result.finishReason,
    cost_usd: null,
    passed: null,
    score: null,
    output: result.content,
    error_message: result.errorMessage,
    tags: job.tags,
    reasoning: result.reasoning,
    retry_wait_ms: round3(outcome.waitMs) ?? 0,
    itl_samples: ok ? boundedSamples(metrics.itlSamples).map((x) => round3(x)!) : [],
    send_epoch_ms: toEpoch(result.marks.send),
    last_token_epoch_ms: result.marks.lastTok !== null ? toEpoch(result.marks.lastTok) : null,
    ...(result.toolCalls.length > 0 ? { tool_calls: result.toolCalls } : {}),
    ...(result.extraChoices ? { choices: rowChoices(result) } : {}),
    ...requestSummary(job),
    ...(result.fromCache ? { cached: true } : {}),
    ...(result.droppedChars ? { output_truncated: true } : {}),
    ...(ok && metrics.itlSamples.length > MAX_ROW_ITL_SAMPLES ? { itl_sample_count: metrics.itlSamples.length } : {}),
  };
}

/** Estimated usage of every choice (n > 1), the prompt counted once. */
function estimateChoices(promptTokens: number, result: AttemptResult, cap: Parameters<typeof estimateUsage>[4]): Usage {
  const u = estimateUsage(promptTokens, result.content, result.reasoning, result.toolCalls, cap);
  for (const c of result.extraChoices ?? []) {
    const e = estimateUsage(null, c.content, c.reasoning, c.toolCalls);
    u.completionTokens = (u.completionTokens ?? 0) + (e.completionTokens ?? 0);
    if (e.reasoningTokens !== null) u.reasoningTokens = (u.reasoningTokens ?? 0) + e.reasoningTokens;
  }
  u.totalTokens = promptTokens + (u.completionTokens ?? 0);
  return u;
}

/** Every choice of an n > 1 answer, choice 0 first (grades are added by the finisher). */
function rowChoices(result: AttemptResult): RowChoice[] {
  return [{ ...result, index: 0 }, ...(result.extraChoices ?? [])].map((c) => ({
    index: c.index, output: c.content, reasoning: c.reasoning, finish_reason: c.finishReason,
    ...(c.toolCalls.length > 0 ? { tool_calls: c.toolCalls } : {}),
  }));
}

/** The row's `request` field: the job's parameters, tools named rather than repeated. */
function requestSummary(job: Job): { request?: Record<string, unknown> } {
  const keys = Object.keys(job.params);
  if (keys.length === 0) return {};
  const { tools, ...rest } = job.params;
  return { request: tools ? { ...rest, tools: tools.map((t) => t.function.name) } : { ...rest } };
}

/** A row for a job that never ran (budget reached, run interrupted before its turn). */
export function skippedRow(job: Job, errorType: ErrorType, message: string): ResultRow {
  return {
    job_id: job.id, suite: job.suite, case_id: job.caseId, provider: job.provider, model: job.model,
    reasoning_effort: job.reasoningEffort ?? '', repeat: job.repeat, status: 'skipped',
    error_type: errorType, http_status: null, attempts: 0, started_at: null, queue_ms: null,
    latency_ms: null, ttfb_ms: null, ttft_ms: null, ttfa_ms: null, itl_p50_ms: null, itl_max_ms: null, itl_coalesced: null,
    tpot_ms: null, output_tps: null, prompt_tokens: null, completion_tokens: null, reasoning_tokens: null,
    cached_tokens: null, total_tokens: null, usage_source: null, finish_reason: null, cost_usd: null,
    passed: null, score: null, output: '', error_message: message, tags: job.tags, reasoning: '',
    retry_wait_ms: 0, itl_samples: [], send_epoch_ms: null, last_token_epoch_ms: null,
  };
}
