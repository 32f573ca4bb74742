import { BudgetGuard, jobWorstCaseCost, formatUsd, type PriceTable } from '../cost/index.ts';
import type { Job } from '../plan/types.ts';
import type { ResultRow } from './result-row.ts';
import type { DispatchGate } from './run-jobs.ts';

/**
 * `run --max-cost`: a job is sent only if spent cost plus the worst case of everything in flight
 * plus its own worst case fits the budget. When in-flight reservations hold the room it waits for
 * one to settle; once the budget can never fit the next job, this and every later job is skipped.
 */
export function createBudgetGate(maxCostUsd: number, prices: PriceTable): DispatchGate & { guard: BudgetGuard } {
  const guard = new BudgetGuard(maxCostUsd);
  let waiters: (() => void)[] = [];
  const wakeAll = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  return {
    guard,
    async check(job: Job) {
      const worst = jobWorstCaseCost(job, prices);
      for (;;) {
        const decision = guard.decide(worst);
        if (decision === 'dispatch') {
          guard.reserve(job.id, worst);
          return undefined;
        }
        if (decision === 'stop') {
          return {
            errorType: 'budget' as const,
            message: `not run: the budget of ${formatUsd(maxCostUsd)} was reached (spent ${formatUsd(guard.spent)}; this job could cost up to ${formatUsd(worst)})`,
          };
        }
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    settled(job: Job, row: ResultRow) {
      // No tokens are billed for an HTTP error answer; a broken stream may have been billed: count its worst case.
      const free = row.status === 'error' && row.http_status !== null && (row.http_status < 200 || row.http_status >= 300);
      guard.settle(job.id, free ? 0 : row.status === 'ok' ? row.cost_usd : null);
      wakeAll();
    },
  };
}
