import { seededRandom } from '../grade/statistics/seeded-random.ts';

/** How open-loop arrivals are spaced: exponential gaps (a Poisson process) or evenly. */
export const ARRIVAL_KINDS = ['poisson', 'constant'] as const;
export type ArrivalKind = (typeof ARRIVAL_KINDS)[number];

/** Seed of the Poisson schedule when none is given: the same run offers the same load. */
export const DEFAULT_ARRIVAL_SEED = 1;

/**
 * Arrival offsets in ms from the start of the schedule, endless and non-decreasing. The first
 * arrival is at 0 (vLLM's serving benchmark also sends its first request at once).
 * - constant: k * 1000 / rate (computed from k, so no rounding drift builds up);
 * - poisson: cumulative exponential gaps with mean 1000 / rate, seeded and reproducible.
 */
export function* arrivalTimes(rate: number, kind: ArrivalKind = 'poisson', seed = DEFAULT_ARRIVAL_SEED): Generator<number, never> {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`arrival rate must be a positive number of requests/s, got ${rate}`);
  const meanGap = 1000 / rate;
  if (kind === 'constant') {
    for (let k = 0; ; k++) yield k * meanGap;
  }
  if (kind !== 'poisson') throw new RangeError(`unknown arrival kind ${String(kind)}: use ${ARRIVAL_KINDS.join(' or ')}`);
  const random = seededRandom(seed);
  let t = 0;
  for (;;) {
    yield t;
    // 1 - u lies in (0, 1], so the log is finite.
    t += -Math.log(1 - random()) * meanGap;
  }
}
