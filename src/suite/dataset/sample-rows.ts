/**
 * `n` distinct row numbers out of 1..total, the same for the same seed (Floyd's algorithm over a
 * mulberry32 stream: O(n) memory whatever the file size). All rows when n >= total.
 */
export function sampleRows(total: number, n: number, seed: number): Set<number> | undefined {
  if (n >= total) return undefined;
  const next = mulberry32(seed);
  const picked = new Set<number>();
  for (let j = total - n + 1; j <= total; j++) {
    const t = 1 + Math.floor(next() * j);
    picked.add(picked.has(t) ? j : t);
  }
  return picked;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
