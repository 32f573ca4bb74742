import type { Job } from '../plan/types.ts';
import { gradeChoices } from '../grade/grade-choices.ts';
import { gradeOutput } from '../grade/grade-output.ts';
import type { GradeContext, GradeResult, JudgeFn } from '../grade/types.ts';
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

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** What an assertion sees of one choice: its own text and calls, the row's timings and cost. */
type ChoiceView = Pick<ResultRow, 'output' | 'reasoning' | 'finish_reason' | 'tool_calls'>;

function gradeContext(job: Job, row: ResultRow, choice: ChoiceView, opts: RowFinisherOptions): GradeContext {
  return {
    output: choice.output, reasoning: choice.reasoning, finishReason: choice.finish_reason,
    latencyMs: row.latency_ms, ttftMs: row.ttft_ms, costUsd: row.cost_usd, vars: job.vars,
    caseId: job.caseId, model: `${job.provider}:${job.model}`, suiteDir: opts.suiteDir, judge: opts.judge,
    toolCalls: choice.tool_calls ?? [], responseFormat: job.params.response_format,
  };
}

/** The grade into the row: passed, score, reasons, a grading timeout, the judge's own usage. */
function applyGrade(row: ResultRow, g: GradeResult): void {
  row.passed = g.passed;
  row.score = round6(g.score);
  row.reasons = g.reasons;
  if (g.results.some((r) => r.timedOut)) row.grading_error = 'grading_timeout';
  if (g.judgeUsage) {
    const u = g.judgeUsage;
    row.judge_usage = {
      calls: u.calls, failures: u.failures, prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens,
      latency_ms: Math.round(u.latencyMs * 1000) / 1000, cost_usd: u.costUsd,
    };
  }
}

/** Grade the row: its one answer, or (n > 1) every choice, each choice's grade kept in `choices`. */
async function gradeRow(job: Job, row: ResultRow, opts: RowFinisherOptions): Promise<void> {
  if (!row.choices) {
    applyGrade(row, await gradeOutput(job.assert, job.threshold, gradeContext(job, row, row, opts), { pool: opts.pool }));
    return;
  }
  const choices = row.choices;
  const contexts = choices.map((c) => gradeContext(job, row, c, opts));
  const g = await gradeChoices(job.assert, job.threshold, contexts, { pool: opts.pool });
  g.perChoice.forEach((one, i) => {
    choices[i].passed = one.passed;
    choices[i].score = round6(one.score);
    if (one.reasons.length > 0) choices[i].reasons = one.reasons;
  });
  applyGrade(row, g.combined);
}

/**
 * Adds what comes after the request: the cost from the price table, then the grade (assertions
 * may read the cost and timings). Failed rows are graded too when they have assertions: they fail.
 */
export function createRowFinisher(opts: RowFinisherOptions): (job: Job, row: ResultRow) => Promise<ResultRow> {
  return async (job, row) => {
    const cost = requestCostFor(opts.prices, `${job.provider}:${job.model}`, {
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
    await gradeRow(job, row, opts);
    return row;
  };
}
