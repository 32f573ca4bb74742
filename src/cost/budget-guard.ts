import { InputError } from '../errors/input-error.ts';

export type BudgetDecision = 'dispatch' | 'wait' | 'stop';

/**
 * `run --max-cost USD`: never lets spent cost plus the worst case of the requests in flight
 * exceed the budget.
 *
 * Protocol for the runner, per job in plan order:
 *   decide(worstCase) -> 'dispatch': reserve(jobId, worstCase), send, then settle(jobId, actual)
 *                     -> 'wait':     requests in flight hold the room; retry after one settles
 *                     -> 'stop':     it can never fit (spent only grows): this and every later
 *                                    job gets status skipped, error_type budget
 * `stop` latches: once the budget is reached no further job is dispatched, even a cheaper one,
 * so "the budget ran out at job N" means the same thing on every run.
 *
 * The worst case of a job is prompt tokens x input + max_completion_tokens x output
 * (worst-case.ts); an unpriced model's is 0. A server that overshoots max_completion_tokens can
 * make an actual cost exceed its worst case; the guard then refuses everything after it.
 */
/**
 * Money is counted in integer units of 1e-10 USD (the precision of roundUsd): sums and
 * comparisons are then exact, so "never exceeds" holds without float rounding. Costs are rounded
 * up and the budget down. Exact up to 2^53 units (about $900,000).
 */
const UNITS_PER_USD = 1e10;
const up = (usd: number) => Math.ceil(Math.max(0, usd) * UNITS_PER_USD - 1e-6);
const toUsd = (units: number) => units / UNITS_PER_USD;

export class BudgetGuard {
  readonly maxCostUsd: number;
  readonly #max: number;
  #spent = 0;
  #reserved = 0;
  #inFlight = new Map<string, number>();
  #stopped = false;

  constructor(maxCostUsd: number) {
    if (!Number.isFinite(maxCostUsd) || maxCostUsd < 0) {
      throw new InputError('BAD_MAX_COST', `--max-cost must be a non-negative number of USD, got ${maxCostUsd}`);
    }
    this.maxCostUsd = maxCostUsd;
    this.#max = Math.floor(maxCostUsd * UNITS_PER_USD + 1e-6);
  }

  /** Actual cost of settled requests (unknown costs counted at their worst case), USD. */
  get spent(): number {
    return toUsd(this.#spent);
  }

  /** Sum of the worst cases of requests in flight, USD. */
  get reserved(): number {
    return toUsd(this.#reserved);
  }

  get remaining(): number {
    return toUsd(Math.max(0, this.#max - this.#spent - this.#reserved));
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** True once a job was refused for good. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** spent + reserved + next <= budget (and the guard has not stopped). */
  canDispatch(worstCaseOfNext: number): boolean {
    return !this.#stopped && this.#spent + this.#reserved + up(worstCaseOfNext) <= this.#max;
  }

  /** See the class comment. Returning 'stop' latches the guard. */
  decide(worstCaseOfNext: number): BudgetDecision {
    if (this.canDispatch(worstCaseOfNext)) return 'dispatch';
    if (!this.#stopped && this.#inFlight.size > 0 && this.#spent + up(worstCaseOfNext) <= this.#max) return 'wait';
    this.#stopped = true;
    return 'stop';
  }

  /** Holds `worstCase` for a request about to be sent. Does not check: call canDispatch/decide first. */
  reserve(jobId: string, worstCase: number): void {
    if (this.#inFlight.has(jobId)) throw new Error(`BudgetGuard: job ${jobId} is already reserved`);
    const units = up(worstCase);
    this.#inFlight.set(jobId, units);
    this.#reserved += units;
  }

  /** Check and reserve in one step; false (nothing reserved) when it does not fit. */
  tryReserve(jobId: string, worstCase: number): boolean {
    if (!this.canDispatch(worstCase)) return false;
    this.reserve(jobId, worstCase);
    return true;
  }

  /**
   * The request ended: its reservation is replaced by what it cost. `null` (tokens unknown, e.g.
   * a stream cut off before usage) counts as the reserved worst case, so spend is never
   * understated; settle with 0 for a failure that is known to be free (e.g. HTTP 400, 401).
   */
  settle(jobId: string, actualCost: number | null): void {
    const held = this.#inFlight.get(jobId);
    if (held === undefined) throw new Error(`BudgetGuard: job ${jobId} was not reserved`);
    this.#inFlight.delete(jobId);
    this.#reserved -= held;
    this.#spent += actualCost === null ? held : up(actualCost);
  }

  /** Drops a reservation without charging it: the request was never sent (e.g. cancelled while queued). */
  release(jobId: string): void {
    const held = this.#inFlight.get(jobId);
    if (held === undefined) return;
    this.#inFlight.delete(jobId);
    this.#reserved -= held;
  }

  /** Exact form of the invariant spent + reserved <= budget (false only if an actual cost overshot its worst case). */
  get withinBudget(): boolean {
    return this.#spent + this.#reserved <= this.#max;
  }
}
