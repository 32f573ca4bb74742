import type { Clock } from '../measure/types.ts';

// One clock across threads. performance.now() counts from each thread's own timeOrigin, so a
// worker's raw stamps are not on the main thread's axis; both are offsets of the same process-wide
// monotonic clock (libuv's hrtime, CLOCK_MONOTONIC, which process.hrtime reads too). Converting
// through performance.timeOrigin instead would mix in the wall clock, which NTP may step between
// the two threads' starts.

/**
 * performance.now() of this thread → CLOCK_MONOTONIC in ms, which every thread and process on the
 * machine shares: add this to a performance.now() stamp. Of a few readings, the one taken in the
 * shortest window (a preemption between the reads would skew it). The simulator's timing log
 * (sim/timing-log.ts) uses this one too.
 */
export function monotonicOffsetMs(): number {
  let offset = 0;
  let window = Infinity;
  for (let i = 0; i < 5; i++) {
    const p = performance.now();
    const h = Number(process.hrtime.bigint()) / 1e6;
    const p2 = performance.now();
    if (p2 - p < window) {
      window = p2 - p;
      offset = h - (p + p2) / 2;
    }
  }
  return offset;
}

/**
 * A clock that reads the main thread's performance.now() axis from a worker thread: this thread's
 * performance.now() plus a constant, so a stamp costs what it costs on the main thread.
 * `mainOffsetMs` is monotonicOffsetMs() taken on the main thread.
 */
export function mainThreadClock(mainOffsetMs: number): Clock {
  const delta = monotonicOffsetMs() - mainOffsetMs;
  return () => performance.now() + delta;
}
