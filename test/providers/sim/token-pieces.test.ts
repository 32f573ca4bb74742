import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { toPieces } from '../../../src/providers/sim/token-pieces.ts';

describe('toPieces', () => {
  it('splits text into one piece per token that joins back to the text', () => {
    const text = 'The capital of France is Paris, and 17 * 23 = 391.';
    const pieces = toPieces(text);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces.length).toBe(encode(text).length);
    expect(pieces.every((p) => p.tokens === 1)).toBe(true);
  });

  it('merges tokens that split a character, keeping the token count', () => {
    const text = 'Well done 🫠 and 𝔘𝔫𝔦 São Paulo 東京';
    const pieces = toPieces(text);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces.reduce((n, p) => n + p.tokens, 0)).toBe(encode(text).length);
    expect(pieces.every((p) => !p.text.includes('\uFFFD'))).toBe(true);
    expect(pieces.length).toBeLessThan(encode(text).length); // some pieces hold 2+ tokens
  });
});
