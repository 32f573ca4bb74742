import type { Job } from '../plan/types.ts';
import { gradeOutput } from '../grade/grade-output.ts';
import type { JudgeFn } from '../grade/types.ts';
import type { GradePool } from '../grade/workers/grade-pool.ts';
import { requestCostFor, roundUsd, type PriceTable } from '../cost/index.ts';
import type { ResultRow } from '../results/result-row.ts';

export interface RowFinisherOptions {
  prices: PriceTable;
  suiteDir: string;
  judge?: JudgeFn;
  /** Worker threads that grade off the thread reading sockets (default: gradeOutput's shared pool). */
  pool?: GradePool;
}

/**
 * Adds what comes after the request: the cost from the price table, then the grade (assertions
 * may read the cost and timings). Failed rows are graded too when they have assertions: they fail.
 */
export function createRowFinisher(opts: RowFinisherOptions): (job: Job, row: ResultRow) => Promise<ResultRow> {
  return async (job, row) => {
    const modelRef = `${job.provider}:${job.model}`;
    const cost = requestCostFor(opts.prices, modelRef, {
      promptTokens: row.prompt_tokens, cachedTokens: row.cached_tokens,
      completionTokens: row.completion_tokens, reasoningTokens: row.reasoning_tokens,
    });
    row.cost_usd = cost === null ? null : roundUsd(cost);
    if (job.assert.length === 0) return row;
    if (row.status !== 'ok') {
      row.passed = false;
      row.score = 0;
      row.reasons = [`no answer to grade: ${row.error_type}`];
      return row;
    }
    const g = await gradeOutput(job.assert, job.threshold, {
      output: row.output, reasoning: row.reasoning, finishReason: row.finish_reason,
      latencyMs: row.latency_ms, ttftMs: row.ttft_ms, costUsd: row.cost_usd, vars: job.vars,
      caseId: job.caseId, model: modelRef, suiteDir: opts.suiteDir, judge: opts.judge,
      toolCalls: row.tool_calls ?? [], responseFormat: job.params.response_format,
    }, { pool: opts.pool });
    row.passed = g.passed;
    row.score = Math.round(g.score * 1e6) / 1e6;
    row.reasons = g.reasons;
    if (g.results.some((r) => r.timedOut)) row.grading_error = 'grading_timeout';
    if (g.judgeUsage) {
      const u = g.judgeUsage;
      row.judge_usage = {
        calls: u.calls, failures: u.failures, prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens,
        latency_ms: Math.round(u.latencyMs * 1000) / 1000, cost_usd: u.costUsd,
      };
    }
    return row;
  };
}
