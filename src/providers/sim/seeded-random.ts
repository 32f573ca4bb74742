/**
 * Seeded, reproducible randomness for the simulator. Every random choice is drawn from a
 * generator keyed by the values that should make it vary (seed, model, request content,
 * occurrence counter), so the same run against the same seed replays exactly.
 */

/** 53-bit string hash (cyrb53): fast, well mixed, stable across platforms. */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Hash of several parts; the separator keeps ('ab','c') and ('a','bc') apart. */
export function hashParts(...parts: Array<string | number>): number {
  return hashString(parts.join('\u241f'));
}

/** sfc32: small, fast, passes PractRand well beyond what a simulator needs. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(...key: Array<string | number>) {
    const h = hashParts(...key);
    this.a = h >>> 0;
    this.b = Math.floor(h / 4294967296) >>> 0;
    this.c = 0x9e3779b9;
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next(); // warm up so close keys diverge
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const s = this.spareNormal;
      this.spareNormal = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Lognormal with the given arithmetic mean and log-space sigma: right-skewed like real
   * latencies (most near the mean, a tail of slow ones). sigma 0 returns the mean exactly.
   */
  lognormal(mean: number, sigma: number): number {
    if (mean <= 0) return 0;
    if (sigma <= 0) return mean;
    const mu = Math.log(mean) - (sigma * sigma) / 2;
    return Math.exp(mu + sigma * this.normal());
  }
}
