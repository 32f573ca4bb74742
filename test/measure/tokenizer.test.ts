import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  countMessageTokens, countTokens, IMAGE_TOKENS_DEFAULT, IMAGE_TOKENS_LOW, TOKENS_PER_MESSAGE, TOKENS_REPLY_PRIMING,
  MAX_TOKENIZER_RUN, o200k,
} from '../../src/measure/tokenizer.ts';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';

describe('countTokens (o200k_base)', () => {
  it('matches the encoder and known counts', () => {
    const text = 'Hello, world! Structuring a database schema effectively is crucial.';
    expect(countTokens(text)).toBe(encode(text).length);
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('')).toBe(0);
  });

  it('counts special-token text as text instead of throwing', () => {
    expect(countTokens('a <|endoftext|> b')).toBeGreaterThan(3);
  });
});

describe('countMessageTokens', () => {
  it('adds the per-message overhead and reply priming', () => {
    const msgs = [
      { role: 'system' as const, content: 'You are terse.' },
      { role: 'user' as const, content: 'Capital of France?' },
    ];
    const expected =
      TOKENS_REPLY_PRIMING +
      2 * TOKENS_PER_MESSAGE +
      countTokens('system') + countTokens('You are terse.') +
      countTokens('user') + countTokens('Capital of France?');
    expect(countMessageTokens(msgs)).toBe(expected);
  });

  it('counts images by detail: 85 for low, 765 otherwise', () => {
    const img = (detail?: 'low' | 'high' | 'auto') => ({
      role: 'user' as const,
      content: [
        { type: 'text' as const, text: 'What is this?' },
        { type: 'image_url' as const, image_url: { url: 'https://example.com/a.png', ...(detail ? { detail } : {}) } },
      ],
    });
    const base = TOKENS_REPLY_PRIMING + TOKENS_PER_MESSAGE + countTokens('user') + countTokens('What is this?');
    expect(countMessageTokens([img('low')])).toBe(base + IMAGE_TOKENS_LOW);
    expect(countMessageTokens([img('high')])).toBe(base + IMAGE_TOKENS_DEFAULT);
    expect(countMessageTokens([img()])).toBe(base + IMAGE_TOKENS_DEFAULT);
    expect(IMAGE_TOKENS_DEFAULT).toBe(85 + 4 * 170);
  });
});

describe('countTokens is linear in the length (issue 17)', () => {
  const raw = (t: string) => o200k().countTokens(t, { disallowedSpecial: new Set() });

  it('ordinary text counts exactly as one tokenizer call over the whole', () => {
    const text = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(text.length).toBeGreaterThan(MAX_TOKENIZER_RUN * 40);
    expect(countTokens(text)).toBe(raw(text));
  });

  it('stays exact wherever the pieces fall: aligned tables, runs of spaces, punctuation before newlines', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const metrics = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    // Shifting the start moves every cut; a cut inside a whitespace run or after "." before "\n" would show.
    for (const text of [readme.slice(1_234), readme.slice(4_321), metrics, `${'| a |   b   |\n'.repeat(2_000)}end.\n\n`]) {
      expect(countTokens(text)).toBe(raw(text));
    }
  });

  it('1 Mi characters without a space: seconds at most, where one call took minutes', () => {
    // A pseudo-random run of printable characters (no whitespace): the slow case of the audit.
    let x = 12345;
    const s = Array.from({ length: 1 << 20 }, () => String.fromCharCode(33 + ((x = (x * 1103515245 + 12345) >>> 0) % 94))).join('');
    // Reference measured here: one call on a 20k slice of the same text (grows faster than linear).
    const t0 = performance.now();
    const refCount = raw(s.slice(0, 20_000));
    const refMs = performance.now() - t0;
    const t1 = performance.now();
    const n = countTokens(s);
    const ms = performance.now() - t1;
    // 52x the length; a linear count stays well inside 52x the reference plus a wide margin.
    expect(ms).toBeLessThan(Math.max(10_000, 60 * refMs));
    // The cuts change the count by a few tokens per 256 characters at most.
    expect(Math.abs(countTokens(s.slice(0, 20_000)) - refCount)).toBeLessThan(20_000 / MAX_TOKENIZER_RUN * 3);
    expect(n).toBeGreaterThan(200_000);
  }, 30_000);

  it('never splits a surrogate pair at a cut', () => {
    const s = '😀'.repeat(MAX_TOKENIZER_RUN * 3);
    expect(countTokens(s)).toBeGreaterThan(0);
    expect(Math.abs(countTokens(s) - raw(s)) / raw(s)).toBeLessThan(0.05);
  });
});
