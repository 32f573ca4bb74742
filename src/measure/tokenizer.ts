import { createRequire } from 'node:module';
import type { ChatMessage } from '../providers/types.ts';

/** The parts of gpt-tokenizer's o200k_base module that evalbench uses (client and simulator). */
export interface O200kEncoding {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
  encode(text: string, options?: { disallowedSpecial?: Set<string> }): number[];
  decode(ids: Iterable<number>): string;
}
type Encoder = O200kEncoding;

let encoder: Encoder | undefined;
const require = createRequire(import.meta.url);

/**
 * o200k_base (GPT-4o / o-series / gpt-5), loaded on first use: building it takes ~200 ms, which
 * a run that gets usage from every server never pays. The CommonJS build is required so the
 * count stays synchronous.
 */
export function o200k(): O200kEncoding {
  encoder ??= require('gpt-tokenizer/encoding/o200k_base') as Encoder;
  return encoder;
}

/**
 * Loads the tokenizer now (~200 ms with the event loop blocked, ~36 MB allocated, ~15 MB kept).
 * For what counts every job (the budget guard, `estimate`), before the first request. A run's rows
 * never load it on the thread that reads sockets: their counts are made in a counting thread
 * (token-count-thread.ts) and handed over through rememberTokenCount.
 */
export function loadTokenizer(): void {
  o200k();
}

/** Whether this thread has loaded the tokenizer. */
export function tokenizerLoaded(): boolean {
  return encoder !== undefined;
}

/**
 * Counts made elsewhere (another thread), each for the next countTokens call(s) on the same text:
 * `uses` calls are answered from here, then the entry is gone, so the table holds only counts
 * about to be read. Bounded all the same: a count never read is a leak, and a miss only costs a
 * count here.
 */
const precounted = new Map<string, { tokens: number; uses: number }>();
const MAX_PRECOUNTED = 10_000;
const precountedMessages = new WeakMap<readonly ChatMessage[], number>();

/** The next countTokens(text) returns `tokens` without the tokenizer (once per call to this). */
export function rememberTokenCount(text: string, tokens: number): void {
  const e = precounted.get(text);
  if (e) e.uses += 1;
  else {
    if (precounted.size >= MAX_PRECOUNTED) precounted.clear();
    precounted.set(text, { tokens, uses: 1 });
  }
}

/** countMessageTokens(messages) (this very array) returns `tokens` without the tokenizer. */
export function rememberMessageTokens(messages: readonly ChatMessage[], tokens: number): void {
  precountedMessages.set(messages, tokens);
}

function takePrecounted(text: string): number | undefined {
  const e = precounted.get(text);
  if (!e) return undefined;
  if (--e.uses === 0) precounted.delete(text);
  return e.tokens;
}

/** Special-token text such as "<|endoftext|>" is counted as plain text, never rejected. */
const NO_SPECIAL = { disallowedSpecial: new Set<string>() };

/**
 * Longest run without whitespace handed to the tokenizer in one piece. BPE merges within one
 * pre-token cost far more than linear time: 80k characters without a space took seconds and
 * 1 Mi did not finish in 400 s. Words are never this long, so real text is not cut mid-word.
 */
export const MAX_TOKENIZER_RUN = 256;
/** Pieces are cut at whitespace once this long, so no single call sees a huge string. */
const MAX_TOKENIZER_PIECE = 8192;

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Tokens in `text` by o200k_base: exact for OpenAI models, an estimate for others. Linear in
 * the length: the text is counted in pieces cut before a run of spaces (where o200k's
 * pre-tokenizer splits anyway, so ordinary text counts the same) and, inside a run of more
 * than MAX_TOKENIZER_RUN non-space characters, every MAX_TOKENIZER_RUN characters (a few
 * tokens off per cut, on text no real answer holds).
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  return takePrecounted(text) ?? countWithTokenizer(text);
}

function countWithTokenizer(text: string): number {
  if (text.length <= MAX_TOKENIZER_RUN) return o200k().countTokens(text, NO_SPECIAL);
  let total = 0;
  let start = 0;
  let run = 0;
  // Where a piece may end: before a run of spaces or tabs that follows a non-space character.
  // o200k's pre-tokenizer always splits there (a newline may still belong to the punctuation
  // before it, and a space inside a run to the word after it), so the count stays exact.
  let lastCut = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      if ((c === 32 || c === 9) && i > 0 && !isSpace(text.charCodeAt(i - 1))) lastCut = i;
      run = 0;
    } else if (++run >= MAX_TOKENIZER_RUN) {
      // Never split a surrogate pair.
      const hi = text.charCodeAt(i);
      const cut = hi >= 0xd800 && hi <= 0xdbff ? i : i + 1;
      if (cut > start) total += o200k().countTokens(text.slice(start, cut), NO_SPECIAL);
      start = cut;
      run = cut === i ? 1 : 0;
      continue;
    }
    if (i - start >= MAX_TOKENIZER_PIECE && lastCut > start) {
      total += o200k().countTokens(text.slice(start, lastCut), NO_SPECIAL);
      start = lastCut;
    }
  }
  if (start < text.length) total += o200k().countTokens(text.slice(start), NO_SPECIAL);
  return total;
}

/**
 * Chat framing, after OpenAI's cookbook count for gpt-4o-era models: every message costs 3
 * tokens plus its role and content, and the reply is primed with 3 more.
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_REPLY_PRIMING = 3;

/**
 * Images, simplified from OpenAI's tile rule (85 base tokens + 170 per 512 px tile after
 * scaling to fit 2048 px and the short side to 768 px): `detail: "low"` is always 85; any other
 * detail is counted as a 1024x1024 image, 4 tiles = 85 + 4 x 170 = 765. We do not fetch or
 * decode images to learn their size.
 */
export const IMAGE_TOKENS_LOW = 85;
export const IMAGE_TOKENS_DEFAULT = 765;

/** Estimated prompt tokens of a chat request (for dry-run cost and usage_source "estimated"). */
export function countMessageTokens(messages: readonly ChatMessage[]): number {
  const known = precountedMessages.get(messages);
  if (known !== undefined) return known;
  let total = TOKENS_REPLY_PRIMING;
  for (const m of messages) {
    total += TOKENS_PER_MESSAGE + countTokens(m.role);
    for (const t of m.tool_calls ?? []) total += countTokens(t.function.name) + countTokens(t.function.arguments);
    if (typeof m.content === 'string') {
      total += countTokens(m.content);
      continue;
    }
    for (const part of m.content ?? []) {
      if (part.type === 'text') total += countTokens(part.text);
      else total += part.image_url.detail === 'low' ? IMAGE_TOKENS_LOW : IMAGE_TOKENS_DEFAULT;
    }
  }
  return total;
}
