/**
 * Simulated prompt caching, shaped like OpenAI's: a prompt whose leading tokens were already
 * seen (by the same model) reports `cached_tokens` = the longest previously seen prefix, counted
 * in whole blocks of 64 tokens. So an identical prompt of 150 tokens sent twice reports 128
 * cached tokens the second time, and a prompt shorter than 64 tokens never reports any. OpenAI
 * only caches from 1024 tokens; the simulator drops that floor so short suites show the effect.
 * Deterministic: it depends only on the order of requests.
 */
export const CACHE_BLOCK_TOKENS = 64;

export class PromptCache {
  private readonly seen = new Set<number>();
  constructor(private readonly maxEntries = 500_000) {}

  /**
   * Cached tokens for this token sequence, then remember its prefixes. `ids` may hold negative
   * separators (role markers): they shape the hash but are not counted.
   */
  lookupAndRecord(scope: string, ids: readonly number[]): number {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < scope.length; i++) {
      h1 = Math.imul(h1 ^ scope.charCodeAt(i), 16777619);
      h2 = Math.imul(h2 ^ scope.charCodeAt(i), 2246822519);
    }
    let counted = 0;
    let cached = 0;
    const fresh: number[] = [];
    for (const id of ids) {
      h1 = Math.imul(h1 ^ id, 16777619);
      h2 = Math.imul(h2 ^ (id + 0x9e37), 2246822519);
      if (id < 0) continue;
      counted++;
      if (counted % CACHE_BLOCK_TOKENS === 0) {
        const key = (h1 >>> 0) * 2097152 + ((h2 >>> 0) & 0x1fffff);
        if (this.seen.has(key)) cached = counted;
        else fresh.push(key);
      }
    }
    if (this.seen.size + fresh.length > this.maxEntries) this.seen.clear();
    for (const k of fresh) this.seen.add(k);
    return cached;
  }
}
