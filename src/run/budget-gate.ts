import { BudgetGuard, jobWorstCaseCost, formatUsd, maxCompletionTokensOf, type PriceTable } from '../cost/index.ts';
import { countMessageTokens } from '../measure/tokenizer.ts';
import type { Job } from '../plan/types.ts';
import type { ResultRow } from '../results/result-row.ts';
import type { DispatchGate, GateRefusal } from './run-options.ts';
import { CountBudget } from './count-budget.ts';

/** The run's budgets (`--max-cost`, `--max-tokens`, `--max-requests`); a shard can be given its share of each. */
export interface RunBudgets {
  maxCostUsd?: number;
  /** Prompt + completion tokens over the run (reasoning is part of completion). */
  maxTokens?: number;
  /** Jobs sent (retries of a job are not counted again). */
  maxRequests?: number;
}

export type BudgetGate = DispatchGate & { guard?: BudgetGuard; tokens?: CountBudget; requests?: CountBudget };

/** No tokens are billed for an HTTP error answer; a broken stream may have been: count its worst case. */
const isFree = (row: ResultRow) => row.status === 'error' && row.http_status !== null && (row.http_status < 200 || row.http_status >= 300);

function rowTokens(row: ResultRow): number | null {
  if (isFree(row)) return 0;
  if (row.status !== 'ok') return null;
  if (row.total_tokens !== null) return row.total_tokens;
  return row.prompt_tokens !== null || row.completion_tokens !== null ? (row.prompt_tokens ?? 0) + (row.completion_tokens ?? 0) : null;
}

/**
 * A job is sent only if every budget set lets it. Cost: spent plus the worst case of everything in
 * flight plus its own must fit (`BudgetGuard`). Tokens and requests: see CountBudget. When one holds
 * the job back for in-flight work it waits for a settle; once one can never fit, this and every later
 * job is skipped (status skipped, error_type budget).
 */
export function createRunBudgetGate(budgets: RunBudgets, prices: PriceTable): BudgetGate | undefined {
  const guard = budgets.maxCostUsd !== undefined ? new BudgetGuard(budgets.maxCostUsd) : undefined;
  const tokens = budgets.maxTokens !== undefined ? new CountBudget(budgets.maxTokens) : undefined;
  const requests = budgets.maxRequests !== undefined ? new CountBudget(budgets.maxRequests) : undefined;
  if (!guard && !tokens && !requests) return undefined;
  let waiters: (() => void)[] = [];
  const wakeAll = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const refusal = (message: string): GateRefusal => ({ errorType: 'budget', message: `not run: ${message}` });
  return {
    guard, tokens, requests,
    async check(job: Job) {
      const worstCost = guard ? jobWorstCaseCost(job, prices) : 0;
      const worstTokens = tokens ? countMessageTokens(job.messages) + maxCompletionTokensOf(job).tokens : 0;
      for (;;) {
        const r = requests?.decide() ?? 'dispatch';
        if (r === 'stop') return refusal(`--max-requests ${requests!.max} was reached`);
        const t = tokens?.decide() ?? 'dispatch';
        if (t === 'stop') return refusal(`--max-tokens ${tokens!.max} was reached (${tokens!.used} tokens used)`);
        const c = r === 'dispatch' && t === 'dispatch' ? guard?.decide(worstCost) ?? 'dispatch' : 'wait';
        if (c === 'stop') {
          return refusal(`the budget of ${formatUsd(guard!.maxCostUsd)} was reached (spent ${formatUsd(guard!.spent)}; this job could cost up to ${formatUsd(worstCost)})`);
        }
        if (c === 'dispatch') {
          guard?.reserve(job.id, worstCost);
          tokens?.reserve(job.id, worstTokens);
          requests?.reserve(job.id, 1);
          return undefined;
        }
        await new Promise<void>((res) => waiters.push(res));
      }
    },
    settled(job: Job, row: ResultRow) {
      guard?.settle(job.id, isFree(row) ? 0 : row.status === 'ok' ? row.cost_usd : null);
      tokens?.settle(job.id, rowTokens(row));
      requests?.settle(job.id, 1);
      wakeAll();
    },
  };
}

/** `run --max-cost` alone (see createRunBudgetGate). */
export function createBudgetGate(maxCostUsd: number, prices: PriceTable): DispatchGate & { guard: BudgetGuard } {
  const gate = createRunBudgetGate({ maxCostUsd }, prices)!;
  return { ...gate, guard: gate.guard! };
}
