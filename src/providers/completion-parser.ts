import type { ToolCallOut } from './types.ts';
import { ThinkTagSplitter } from './think-tags.ts';
import { appendContent, mergeToolCalls, reasoningText, ANSWER } from './chunk-parser.ts';
import { errorMessageFromJson } from './error-classify.ts';

/** A non-streaming `chat.completion` body, reduced to what a result row needs. */
export interface ParsedCompletion {
  /** False when the body is not the chat-completions shape (no `choices` array, no error). */
  valid: boolean;
  content: string;
  reasoning: string;
  toolCalls: ToolCallOut[];
  /** True when there was answer text or a tool call (reasoning alone is not an answer). */
  hasAnswer: boolean;
  usageRaw: object | null;
  finishReason: string | null;
  /** An `error` object in a 2xx body. */
  errorMessage: string | null;
  /** Why a body with `choices` is still unusable (a tool-call index out of range). */
  protocolError?: string;
}

export function parseCompletionBody(json: unknown): ParsedCompletion {
  const out: ParsedCompletion = {
    valid: false, content: '', reasoning: '', toolCalls: [], hasAnswer: false,
    usageRaw: null, finishReason: null, errorMessage: null,
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return out;
  const o = json as Record<string, unknown>;
  if (o.error != null) out.errorMessage = errorMessageFromJson(o) ?? 'error object in response';
  const usage = o.usage ?? (o.x_groq as { usage?: unknown } | undefined)?.usage;
  if (usage != null && typeof usage === 'object') out.usageRaw = usage;
  const choices = o.choices;
  if (!Array.isArray(choices)) {
    out.valid = out.errorMessage !== null;
    return out;
  }
  out.valid = true;
  const choice = choices[0] as { finish_reason?: unknown; message?: unknown } | undefined;
  if (!choice || typeof choice !== 'object') return out;
  if (typeof choice.finish_reason === 'string' && choice.finish_reason) out.finishReason = choice.finish_reason;
  const m = choice.message as Record<string, unknown> | null | undefined;
  if (m == null || typeof m !== 'object') return out;
  const think = new ThinkTagSplitter(out);
  let flags = appendContent(m.content, out, think);
  if (think.finish()) flags |= ANSWER;
  // Reasoning fields come before any inline <think> text the content held.
  const r = reasoningText(m);
  if (r) out.reasoning = r + out.reasoning;
  if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) {
    const bad = mergeToolCalls(out.toolCalls, m.tool_calls);
    if (bad !== null) {
      out.valid = false;
      out.protocolError = bad;
      return out;
    }
    out.toolCalls = out.toolCalls.filter((t) => t !== undefined);
    flags |= ANSWER;
  }
  out.hasAnswer = (flags & ANSWER) !== 0;
  return out;
}
