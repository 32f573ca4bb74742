import { describe, expect, it } from 'vitest';
import { CACHE_BLOCK_TOKENS, PromptCache } from '../../../src/providers/sim/index.ts';

const seq = (n: number, start = 0) => Array.from({ length: n }, (_, i) => start + i);

describe('PromptCache', () => {
  it('reports the longest seen prefix in whole 64-token blocks', () => {
    const c = new PromptCache();
    expect(c.lookupAndRecord('fast', seq(150))).toBe(0);
    expect(c.lookupAndRecord('fast', seq(150))).toBe(128);
    // Shares the first 100 tokens: one whole block is cached.
    expect(c.lookupAndRecord('fast', [...seq(100), ...seq(80, 5000)])).toBe(CACHE_BLOCK_TOKENS);
    // Longer than anything seen: only the seen part counts.
    expect(c.lookupAndRecord('fast', seq(400))).toBe(128);
  });

  it('never caches prompts shorter than a block, and scopes by model', () => {
    const c = new PromptCache();
    c.lookupAndRecord('fast', seq(63));
    expect(c.lookupAndRecord('fast', seq(63))).toBe(0);
    c.lookupAndRecord('fast', seq(200));
    expect(c.lookupAndRecord('slow', seq(200))).toBe(0);
  });

  it('does not count negative separators as tokens but lets them change the prefix', () => {
    const c = new PromptCache();
    c.lookupAndRecord('m', [-1, ...seq(64)]);
    expect(c.lookupAndRecord('m', [-1, ...seq(64)])).toBe(64);
    expect(c.lookupAndRecord('m', [-3, ...seq(64)])).toBe(0);
  });
});
