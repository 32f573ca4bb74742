import { performance } from 'node:perf_hooks';

/** One write at an absolute time (performance.now() ms), optionally followed by an action. */
export interface Step {
  at: number;
  data: string;
  /** Never send early (the first token: TTFT must not undercut its target). */
  exact?: boolean;
  /** end: finish the response; destroy: cut the socket; hold: stop here and wait for the client to leave. */
  then?: 'end' | 'destroy' | 'hold';
  /** Called with performance.now() once the write holding this step has been handed to the socket. */
  onSent?: (t: number) => void;
}

export interface Sink {
  write(data: string): void;
  end(): void;
  /** Cut the connection once `last` (maybe '') and everything before it has reached the socket. */
  destroy(last: string): void;
}

/** How early a non-exact step may go out rather than spin for the rest of a millisecond. */
const EARLY_OK_MS = 0.5;

/**
 * Play steps at their absolute times with one timer per stream. Times are absolute, so a late
 * timer never shifts later tokens (no drift), and steps that fell due together go out in one
 * write. Node timers have 1 ms granularity: the timer is set for the rounded wait; when it fires
 * early, an `exact` step waits out the sub-millisecond rest with setImmediate (never early), other
 * steps go out if within 0.5 ms (spinning for every token costs ~30% more CPU at 128 streams).
 */
export function playSchedule(steps: readonly Step[], sink: Sink): { cancel(): void } {
  let i = 0;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let stopped = false;

  const pump = (): void => {
    timer = undefined;
    immediate = undefined;
    if (stopped) return;
    const now = performance.now();
    let batch = '';
    let sent: ((t: number) => void) | undefined;
    while (i < steps.length && steps[i].at <= now + (steps[i].exact ? 0 : EARLY_OK_MS)) {
      const step = steps[i++];
      batch += step.data;
      sent ??= step.onSent;
      if (step.then) {
        stopped = true;
        if (step.then === 'destroy') return sink.destroy(batch);
        if (batch) sink.write(batch);
        sent?.(performance.now());
        if (step.then === 'end') sink.end();
        return;
      }
    }
    if (batch) sink.write(batch);
    sent?.(performance.now());
    if (i >= steps.length) {
      stopped = true;
      sink.end();
      return;
    }
    const wait = steps[i].at - now;
    if (wait >= 1) timer = setTimeout(pump, Math.round(wait));
    else immediate = setImmediate(pump);
  };

  pump();
  return {
    cancel() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
    },
  };
}
