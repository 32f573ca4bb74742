import type { ToolCallOut, Usage } from '../providers/types.ts';
import { countTokens } from './tokenizer.ts';

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

function field(o: unknown, key: string): unknown {
  return o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * A server's `usage` object in our shape, or null when it holds no token count at all.
 * - reasoning: `completion_tokens_details.reasoning_tokens` (OpenAI, DeepSeek, Groq, llama.cpp)
 * - cached: `prompt_tokens_details.cached_tokens`, else a top-level `cached_tokens` (Together)
 *   or DeepSeek's `prompt_cache_hit_tokens`
 * - `input_tokens`/`output_tokens` (Responses-style proxies) stand in for prompt/completion
 * - total: as sent, else prompt + completion when both are known.
 */
export function normalizeUsage(raw: unknown): Usage | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const u = raw as Record<string, unknown>;
  const promptTokens = count(u.prompt_tokens) ?? count(u.input_tokens);
  const completionTokens = count(u.completion_tokens) ?? count(u.output_tokens);
  const reasoningTokens =
    count(field(u.completion_tokens_details, 'reasoning_tokens')) ??
    count(field(u.output_tokens_details, 'reasoning_tokens')) ??
    count(u.reasoning_tokens);
  const cachedTokens =
    count(field(u.prompt_tokens_details, 'cached_tokens')) ??
    count(field(u.input_tokens_details, 'cached_tokens')) ??
    count(u.cached_tokens) ??
    count(u.prompt_cache_hit_tokens);
  let totalTokens = count(u.total_tokens);
  if (totalTokens === null && promptTokens !== null && completionTokens !== null) totalTokens = promptTokens + completionTokens;
  if (promptTokens === null && completionTokens === null && totalTokens === null && reasoningTokens === null && cachedTokens === null) {
    return null;
  }
  return { promptTokens, completionTokens, reasoningTokens, cachedTokens, totalTokens };
}

/** The text of a response's tool calls as estimateUsage counts it (names and arguments). */
export function toolCallText(toolCalls: readonly ToolCallOut[]): string {
  return toolCalls.map((t) => `${t.name ?? ''}${t.arguments}`).join('\n');
}

/**
 * The texts estimateUsage counts for this response, one entry per countTokens call it makes
 * (the counting thread counts exactly these ahead of it).
 */
export function estimatedTexts(content: string, reasoning: string, toolCalls: readonly ToolCallOut[] = []): string[] {
  const texts = reasoning ? [reasoning, content] : [content];
  if (toolCalls.length > 0) texts.push(toolCallText(toolCalls));
  return texts;
}

/** What was not kept of a response whose text was capped (AttemptResult.droppedChars). */
export interface TextCap {
  /** Characters received beyond the kept text. */
  droppedChars: number;
  /** Token-bearing events received (each carries at least one token). */
  tokenEvents: number;
}

/**
 * Usage counted locally (usage_source "estimated") for servers that report none: one tokenizer
 * pass over the whole answer, one over the reasoning, one over tool-call names and arguments,
 * never per chunk. Reasoning is null when no reasoning text was visible: hidden reasoning
 * (o-series) cannot be counted. Cached tokens are unknown.
 *
 * When the text was capped (`cap`), counting the kept text alone would be far too low (27x on
 * a 500 MB stream): completion is then the larger of the token-bearing event count (each event
 * carries at least one token) and the kept count scaled by received / kept characters.
 */
export function estimateUsage(
  promptTokens: number | null,
  content: string,
  reasoning: string,
  toolCalls: readonly ToolCallOut[] = [],
  cap?: TextCap,
): Usage {
  const reasoningTokens = reasoning ? countTokens(reasoning) : null;
  let completion = countTokens(content) + (reasoningTokens ?? 0);
  if (cap && cap.droppedChars > 0) {
    const kept = content.length + reasoning.length;
    const scaled = kept > 0 ? Math.round((completion * (kept + cap.droppedChars)) / kept) : 0;
    completion = Math.max(cap.tokenEvents, scaled);
  }
  if (toolCalls.length > 0) completion += countTokens(toolCallText(toolCalls));
  return {
    promptTokens,
    completionTokens: completion,
    reasoningTokens,
    cachedTokens: null,
    totalTokens: promptTokens === null ? null : promptTokens + completion,
  };
}
