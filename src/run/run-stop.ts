import { setMaxListeners } from 'node:events';

export type StopCause = 'interrupt' | 'duration';

/**
 * Why and how a run stops, in one place. `sending` aborts = no new request or retry (Ctrl-C, or
 * the duration is over); `hard` aborts = attempts in flight are cancelled (after the grace period).
 * `gateRefused`: the gate refused a job of a duration run, so cycling on would only write skipped rows.
 */
export class RunStop {
  readonly sending = new AbortController();
  readonly hard = new AbortController();
  cause: StopCause | undefined;
  gateRefused = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly graceMs: number,
    private readonly durationGraceMs: number,
  ) {
    // Every attempt in flight (and every retry wait) listens on these: hundreds in open loop.
    setMaxListeners(0, this.sending.signal, this.hard.signal);
  }

  /** Called on every change of the stop state (waiting workers re-check what they may take). */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  interrupt(reason?: unknown): void {
    this.cause ??= 'interrupt';
    this.sending.abort(reason);
    this.later(this.graceMs, () => this.hard.abort(new Error('interrupted')));
    this.changed();
  }

  endDuration(): void {
    if (this.cause) return;
    this.cause = 'duration';
    const why = new Error('the duration ended');
    this.sending.abort(why);
    if (this.durationGraceMs > 0) this.later(this.durationGraceMs, () => this.hard.abort(why));
    else this.hard.abort(why);
    this.changed();
  }

  refuseByGate(): void {
    this.gateRefused = true;
    this.changed();
  }

  /** Ends the duration `ms` from now (its in-flight requests are then cut). */
  endDurationAfter(ms: number): void {
    this.later(ms, () => this.endDuration());
  }

  later(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, ms));
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }
}
