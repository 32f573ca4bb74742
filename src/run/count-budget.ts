import type { BudgetDecision } from '../cost/index.ts';

/**
 * `--max-tokens N` and `--max-requests N`: a whole-number budget that needs no price.
 * A job is sent while used + the worst case of everything in flight stays below the budget;
 * when in-flight reservations hold the rest it waits for one to settle; once `used` reaches
 * the budget it stops for good (latched, like the cost guard). With a worst case of 1 per job
 * (requests) it is exact; for tokens the last request sent may overshoot by at most its own use.
 */
export class CountBudget {
  readonly max: number;
  #used = 0;
  #reserved = 0;
  #inFlight = new Map<string, number>();
  #stopped = false;

  constructor(max: number) {
    this.max = max;
  }

  /** True once a job was refused for good. */
  get stopped(): boolean {
    return this.#stopped;
  }

  get used(): number {
    return this.#used;
  }

  decide(): BudgetDecision {
    if (this.#stopped) return 'stop';
    if (this.#used >= this.max) {
      this.#stopped = true;
      return 'stop';
    }
    if (this.#used + this.#reserved >= this.max) return this.#inFlight.size > 0 ? 'wait' : 'dispatch';
    return 'dispatch';
  }

  reserve(jobId: string, worstCase: number): void {
    this.#inFlight.set(jobId, worstCase);
    this.#reserved += worstCase;
  }

  /** Replaces the reservation with what was used; null (unknown) counts the reserved worst case. */
  settle(jobId: string, actual: number | null): void {
    const held = this.#inFlight.get(jobId);
    if (held === undefined) return;
    this.#inFlight.delete(jobId);
    this.#reserved -= held;
    this.#used += actual ?? held;
  }
}
