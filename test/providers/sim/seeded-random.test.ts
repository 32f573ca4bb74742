import { describe, expect, it } from 'vitest';
import { SeededRandom, hashString } from '../../../src/providers/sim/index.ts';

describe('SeededRandom', () => {
  it('replays the same sequence for the same key and diverges for a near key', () => {
    const a = new SeededRandom(42, 'fast', 'prompt', 0);
    const b = new SeededRandom(42, 'fast', 'prompt', 0);
    const c = new SeededRandom(42, 'fast', 'prompt', 1);
    const seqA = Array.from({ length: 10 }, () => a.next());
    expect(Array.from({ length: 10 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 10 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('keeps key parts apart', () => {
    expect(hashString('ab\u241fc')).not.toBe(hashString('a\u241fbc'));
    expect(new SeededRandom('ab', 'c').next()).not.toBe(new SeededRandom('a', 'bc').next());
  });

  it('draws lognormal values with the requested arithmetic mean', () => {
    const r = new SeededRandom(1);
    const n = 20000;
    let sum = 0;
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      const x = r.lognormal(40, 0.3);
      sum += x;
      min = Math.min(min, x);
    }
    expect(sum / n).toBeGreaterThan(39);
    expect(sum / n).toBeLessThan(41);
    expect(min).toBeGreaterThan(0);
    expect(r.lognormal(25, 0)).toBe(25);
    expect(r.lognormal(0, 0.5)).toBe(0);
  });

  it('spreads ints over the whole range', () => {
    const r = new SeededRandom('ints');
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(r.int(10));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
