import { LATER } from './job-backlog.ts';

/**
 * Up to `max` workers, each a loop: take a job, run it, take the next (after tinybench's
 * `withConcurrency`). Workers start on demand, so an unlimited open-loop ceiling or a short plan
 * never creates more of them than there is work for; a worker with nothing to take sleeps until
 * woken, and ends when `take` says the work is over. A job that throws is recorded, not fatal to
 * the other workers (runJobs rethrows the first failure once every worker has ended).
 */
export class WorkerPool<T> {
  readonly failures: unknown[] = [];
  private workers = 0;
  private readonly running: Promise<void>[] = [];
  private readonly sleepers: (() => void)[] = [];
  /** Started, not yet running: a worker starts on a later microtask, never inside the caller's turn. */
  private starting = 0;

  constructor(
    private readonly max: number,
    private readonly take: () => T | undefined | typeof LATER,
    private readonly work: (job: T) => Promise<void>,
  ) {}

  /** One more job can be taken: wake a sleeping worker, or start one if none sleeps and the cap allows. */
  demand(): void {
    if (!this.wakeOne() && this.workers < this.max) this.start();
  }

  /** A worker took a job: there may be more, so one more worker should look (unless one is about to). */
  private passOn(): void {
    if (!this.wakeOne() && this.starting === 0 && this.workers < this.max) this.start();
  }

  private start(): void {
    this.workers += 1;
    this.starting += 1;
    this.running.push(this.loop());
  }

  /** Wakes one sleeping worker, if any. */
  wakeOne(): boolean {
    const wake = this.sleepers.pop();
    wake?.();
    return wake !== undefined;
  }

  /** Wakes every sleeping worker (the stop state changed, or the work is over). */
  wakeAll(): void {
    for (const wake of this.sleepers.splice(0)) wake();
  }

  /** Resolves once every worker has ended. */
  async done(): Promise<void> {
    // Workers may start while earlier ones are awaited: the array grows under the loop.
    for (let i = 0; i < this.running.length; i++) await this.running[i];
  }

  private async loop(): Promise<void> {
    // The caller (the release clock's batch, another worker's take) finishes its turn first.
    await undefined;
    this.starting -= 1;
    for (;;) {
      let job: T | undefined | typeof LATER;
      try {
        job = this.take();
      } catch (e) {
        this.failures.push(e); // e.g. the job source threw: this worker ends, the run reports it
        break;
      }
      if (job === undefined) break;
      if (job === LATER) {
        await new Promise<void>((wake) => this.sleepers.push(wake));
        continue;
      }
      // Whoever took a job leaves the next one to a sleeping (or new) worker: the pool fills up.
      this.passOn();
      try {
        await this.work(job);
      } catch (e) {
        this.failures.push(e);
      }
    }
    this.workers -= 1;
    this.wakeAll();
  }
}
