/**
 * A tiny seeded PRNG (mulberry32, Tommy Ettinger's 32-bit generator): the bootstrap must give
 * the same interval for the same data and seed, which Math.random cannot. Not for cryptography.
 */
export type RandomSource = () => number;

/** Default seed of every resampling in this folder: reports are reproducible unless a seed is given. */
export const DEFAULT_SEED = 20240601;

/** Returns a function yielding floats in [0, 1). Any finite number is a valid seed (taken mod 2^32). */
export function seededRandom(seed: number = DEFAULT_SEED): RandomSource {
  let state = toUint32(seed);
  return function next(): number {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [0, n) from a random source. */
export function randomIndex(random: RandomSource, n: number): number {
  return Math.floor(random() * n);
}

function toUint32(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  // Fold the fractional part and large magnitudes in so that distinct seeds rarely collide.
  const int = Math.trunc(seed) + Math.round((seed % 1) * 0x100000);
  return ((int % 4294967296) + 4294967296) % 4294967296 >>> 0;
}
