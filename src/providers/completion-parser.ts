import type { ChoiceOut, ToolCallOut } from './types.ts';
import { ThinkTagSplitter } from './think-tags.ts';
import { appendContent, keepText, mergeToolCalls, reasoningText, ANSWER, MAX_CHOICES } from './chunk-parser.ts';
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
  /** Choices 1.. of an n > 1 answer, in index order (text kept up to MAX_KEPT_CHARS); absent for one choice. */
  extraChoices?: ChoiceOut[];
}

/** What one `message` holds: text (inline <think> moved to reasoning), reasoning, tool calls. */
interface MessageParts {
  content: string;
  reasoning: string;
  toolCalls: ToolCallOut[];
  hasAnswer: boolean;
  protocolError: string | null;
}

function parseMessage(m: Record<string, unknown>): MessageParts {
  const out: MessageParts = { content: '', reasoning: '', toolCalls: [], hasAnswer: false, protocolError: null };
  const think = new ThinkTagSplitter(out);
  let flags = appendContent(m.content, out, think);
  if (think.finish()) flags |= ANSWER;
  // Reasoning fields come before any inline <think> text the content held.
  const r = reasoningText(m);
  if (r) out.reasoning = r + out.reasoning;
  if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) {
    out.protocolError = mergeToolCalls(out.toolCalls, m.tool_calls);
    out.toolCalls = out.toolCalls.filter((t) => t !== undefined);
    flags |= ANSWER;
  }
  out.hasAnswer = (flags & ANSWER) !== 0;
  return out;
}

type RawChoice = { index?: unknown; finish_reason?: unknown; message?: unknown };

/** Choices 1.. (index > 0, below MAX_CHOICES), sorted; undefined when there are none. */
function extraChoices(choices: unknown[]): { choices?: ChoiceOut[]; error: string | null } {
  const out: ChoiceOut[] = [];
  for (const raw of choices) {
    if (raw === null || typeof raw !== 'object') continue;
    const c = raw as RawChoice;
    const index = c.index;
    if (!(typeof index === 'number' && Number.isInteger(index) && index > 0 && index < MAX_CHOICES)) continue;
    const m = c.message;
    const parts = m !== null && typeof m === 'object' ? parseMessage(m as Record<string, unknown>) : null;
    if (parts?.protocolError) return { error: parts.protocolError };
    out.push({
      index, content: keepText(parts?.content ?? ''), reasoning: keepText(parts?.reasoning ?? ''), toolCalls: parts?.toolCalls ?? [],
      finishReason: typeof c.finish_reason === 'string' && c.finish_reason ? c.finish_reason : null,
    });
  }
  return { choices: out.length > 0 ? out.sort((a, b) => a.index - b.index) : undefined, error: null };
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
  // Choice 0; a lone choice of another index is still the answer (as before n > 1 was read).
  const first = (choices as unknown[]).find((c) => c !== null && typeof c === 'object' && ((c as RawChoice).index ?? 0) === 0) ?? choices[0];
  const more = extraChoices(choices.filter((c) => c !== first));
  if (more.error !== null) return { ...out, valid: false, protocolError: more.error };
  if (more.choices) out.extraChoices = more.choices;
  const choice = first as RawChoice | undefined;
  if (!choice) return out;
  if (typeof choice.finish_reason === 'string' && choice.finish_reason) out.finishReason = choice.finish_reason;
  const m = choice.message as Record<string, unknown> | null | undefined;
  if (m == null || typeof m !== 'object') return out;
  const parts = parseMessage(m);
  if (parts.protocolError !== null) return { ...out, valid: false, protocolError: parts.protocolError };
  return { ...out, content: parts.content, reasoning: parts.reasoning, toolCalls: parts.toolCalls, hasAnswer: parts.hasAnswer };
}
