import { o200k } from '../../measure/tokenizer.ts';

// One tokenizer instance for client and simulator, loaded on first use (not at CLI start-up).
const encode = (text: string) => o200k().encode(text, { disallowedSpecial: new Set() });
const decode = (ids: number[]) => o200k().decode(ids);

/**
 * Text <-> o200k_base tokens for the simulator. An answer is streamed one token per SSE event,
 * so a client that counts tokens of the received text with the same tokenizer gets exactly the
 * count the simulator reports. Encodings are cached: suites repeat the same texts many times.
 */

const MAX_CACHE = 20_000;
const pieceCache = new Map<string, readonly TokenPiece[]>();
const countCache = new Map<string, number>();

/** One streamed event: its text and how many tokens it holds (1, unless UTF-8 forced a merge). */
export interface TokenPiece {
  text: string;
  tokens: number;
}

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= MAX_CACHE) cache.clear(); // crude but bounded; hits dominate anyway
  cache.set(key, value);
  return value;
}

/**
 * Split text into per-token pieces. A token that holds only part of a character (emoji, rare
 * scripts) cannot be shown alone, so it travels with the token that completes the character
 * (that piece then counts 2+ tokens). Decoding goes strictly in order and always ends on a whole
 * character: gpt-tokenizer's decode shares one streaming TextDecoder across calls.
 */
export function toPieces(text: string): readonly TokenPiece[] {
  const hit = pieceCache.get(text);
  if (hit) return hit;
  const ids = encode(text);
  const pieces: TokenPiece[] = [];
  let joined = '';
  let carried = 0;
  for (const id of ids) {
    // A token that is only part of a character decodes to '': it travels with the next one.
    const piece = decode([id]);
    carried++;
    if (piece === '') continue;
    pieces.push({ text: piece, tokens: carried });
    joined += piece;
    carried = 0;
  }
  if (carried > 0 || joined !== text) {
    // Should not happen for valid text (gpt-tokenizer's decoder carries partial bytes from one
    // call to the next, so in-order decoding completes every character). Stay correct anyway:
    // one piece holding the whole text and all its tokens.
    return remember(pieceCache, text, [{ text, tokens: ids.length }]);
  }
  return remember(pieceCache, text, pieces);
}

/** Number of o200k_base tokens in text (cached). */
export function countTokens(text: string): number {
  const hit = countCache.get(text);
  if (hit !== undefined) return hit;
  return remember(countCache, text, encode(text).length);
}

const idCache = new Map<string, readonly number[]>();

/** Token ids of text (cached: a suite sends the same system prompt and cases again and again). */
export function tokenIds(text: string): readonly number[] {
  const hit = idCache.get(text);
  if (hit) return hit;
  return remember(idCache, text, encode(text));
}
