// The reference for timing tests of the release clock: how late the machine's own timers fire now.

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** The p-th percentile by rank (no interpolation): enough for the wide bounds these tests use. */
export const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/**
 * How late a plain setTimeout fires for a target like the ones under test. On an idle machine it
 * is 1-2 ms; under load it is whatever the scheduler allows, and a clock built on timers cannot be
 * held to better than the machine gives.
 */
export async function plainTimeoutLate(target: number): Promise<number> {
  await new Promise((r) => setTimeout(r, Math.max(0, Math.ceil(target - performance.now()))));
  return Math.max(0, performance.now() - target);
}
