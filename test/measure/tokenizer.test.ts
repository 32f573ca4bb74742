import { describe, expect, it } from 'vitest';
import {
  countMessageTokens, countTokens, IMAGE_TOKENS_DEFAULT, IMAGE_TOKENS_LOW, TOKENS_PER_MESSAGE, TOKENS_REPLY_PRIMING,
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
