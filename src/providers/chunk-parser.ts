import type { ChoiceOut, ToolCallOut } from './types.ts';
import { ThinkTagSplitter, type TextSink } from './think-tags.ts';
import { errorMessageFromJson } from './error-classify.ts';

/** Bits returned by appendContent. */
export const TOKEN = 1;
export const ANSWER = 2;

/**
 * Route one `content` value (a delta's or a message's) into answer / reasoning text.
 * Strings go through the inline-<think> splitter; arrays are Mistral-style parts:
 * `{type:"text",text}` is answer, `{type:"thinking",thinking:[{type:"text",text}]|string}` is
 * reasoning. Returns TOKEN when any text arrived, plus ANSWER when some of it was answer.
 */
export function appendContent(c: unknown, sink: TextSink, think: ThinkTagSplitter): number {
  if (typeof c === 'string') {
    if (c.length === 0) return 0;
    return think.push(c) ? TOKEN | ANSWER : TOKEN;
  }
  if (!Array.isArray(c)) return 0;
  let flags = 0;
  for (const part of c) {
    if (typeof part === 'string') {
      if (part) flags |= think.push(part) ? TOKEN | ANSWER : TOKEN;
      continue;
    }
    if (part === null || typeof part !== 'object') continue;
    const p = part as { type?: unknown; text?: unknown; thinking?: unknown };
    if (p.type === 'thinking') {
      const th = p.thinking;
      if (typeof th === 'string') {
        if (th) { sink.reasoning += th; flags |= TOKEN; }
      } else if (Array.isArray(th)) {
        for (const t of th) {
          const text = t && typeof t === 'object' ? (t as { text?: unknown }).text : t;
          if (typeof text === 'string' && text) { sink.reasoning += text; flags |= TOKEN; }
        }
      }
    } else if ((p.type === 'text' || p.type === undefined) && typeof p.text === 'string' && p.text) {
      flags |= think.push(p.text) ? TOKEN | ANSWER : TOKEN;
    }
  }
  return flags;
}

/** `reasoning_content` (DeepSeek, vLLM, llama.cpp, Z.AI) or `reasoning` (OpenRouter, Groq, Ollama). */
export function reasoningText(d: { reasoning_content?: unknown; reasoning?: unknown }): string {
  const rc = d.reasoning_content;
  if (typeof rc === 'string' && rc.length > 0) return rc;
  const r = d.reasoning;
  return typeof r === 'string' ? r : '';
}

interface ToolCallDelta {
  index?: unknown;
  id?: unknown;
  function?: { name?: unknown; arguments?: unknown } | null;
}

/**
 * Most tool calls one answer may hold (parallel calls are a handful). An `index` at or beyond
 * it is a protocol error, not a slot: `index: 4294967294` would otherwise make a sparse array
 * of 4e9 slots that every later delta scans, freezing the run.
 */
export const MAX_TOOL_CALLS = 128;

/**
 * Merge tool-call deltas by `index`: the first carries id and name, later ones argument
 * fragments (OpenAI), or the whole call comes at once (Ollama, Groq). Returns an error message
 * when a delta breaks MAX_TOOL_CALLS (that delta and the rest are dropped), else null.
 */
export function mergeToolCalls(into: ToolCallOut[], deltas: readonly unknown[]): string | null {
  for (const raw of deltas) {
    if (raw === null || typeof raw !== 'object') continue;
    const d = raw as ToolCallDelta;
    let i: number;
    if (typeof d.index === 'number' && d.index >= 0) i = d.index;
    else if (typeof d.id === 'string' && !into.some((t) => t?.id === d.id)) i = into.length;
    else i = Math.max(0, into.length - 1);
    if (!Number.isInteger(i) || i >= MAX_TOOL_CALLS) {
      return `tool call index ${String(d.index ?? i).slice(0, 40)} is not an integer below ${MAX_TOOL_CALLS}`;
    }
    let call = into[i];
    if (call === undefined) {
      call = { arguments: '' };
      into[i] = call;
    }
    if (typeof d.id === 'string' && d.id) call.id = d.id;
    const fn = d.function;
    if (fn && typeof fn === 'object') {
      if (typeof fn.name === 'string' && fn.name) call.name = fn.name;
      const args = fn.arguments;
      if (typeof args === 'string') call.arguments += args;
      else if (args !== undefined && args !== null) call.arguments += JSON.stringify(args);
    }
  }
  return null;
}

/**
 * Most characters of answer text, and apart of reasoning text, kept per response (1 Mi chars,
 * ~250k tokens: far above any real completion). Beyond it the text is counted but not kept, so a
 * runaway or hostile 10 MB response costs bounded memory (and a bounded JSONL/CSV cell); every
 * event is still parsed and timed, so latency, ITL and reported usage stay exact. The kept text
 * ends with TRUNCATION_NOTE, so a reader sees it was cut.
 */
export const MAX_KEPT_CHARS = 1 << 20;

/** Appended to text cut at MAX_KEPT_CHARS. */
export function truncationNote(kept: number, total: number): string {
  return `\n…[evalbench: output truncated, kept the first ${kept} of ${total} characters]`;
}

/** Cut position at or below `max` that does not split a UTF-16 surrogate pair. */
function cutAt(text: string, max: number): number {
  const c = text.charCodeAt(max - 1);
  return c >= 0xd800 && c <= 0xdbff ? max - 1 : max;
}

/** `text` as kept: whole when within MAX_KEPT_CHARS, else its head plus the truncation note. */
export function keepText(text: string, max = MAX_KEPT_CHARS): string {
  if (text.length <= max) return text;
  const cut = cutAt(text, max);
  return text.slice(0, cut) + truncationNote(cut, text.length);
}

/*
 * The cheap path for the commonest event, a chunk whose only effect is a piece of answer text:
 * `{..."choices":[{"index":0,"delta":{"content":"..."},"finish_reason":null...}]...}`. A regex
 * checks the whole event's shape without allocating; only then is the content cut out (and, if
 * it holds escapes, JSON.parse'd alone). Anything else (usage, finish_reason, reasoning, tool
 * calls, errors, another key order of delta's keys, whitespace) takes JSON.parse, so results are
 * identical (test: every recorded fixture both ways).
 */
const J_STR = String.raw`"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;
const J_SCALAR = String.raw`(?:${J_STR}|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|null|true|false)`;
/** Top-level keys that cannot matter as scalars: not choices / error / usage / x_groq (those only as null). */
const TOP_PAIR = String.raw`(?:"(?!choices"|error"|usage"|x_groq")\w+":${J_SCALAR}|"(?:error|usage|x_groq)":null)`;
/** Keys of the choice beside delta: index only 0, finish_reason only null. */
const CHOICE_PAIR = String.raw`(?:"(?!delta"|index"|finish_reason")\w+":${J_SCALAR}|"index":0|"finish_reason":null)`;
/** Keys of the delta beside content: no reasoning text, no tool calls. */
const DELTA_PAIR = String.raw`(?:"(?!content"|reasoning|tool_calls")\w+":${J_SCALAR}|"(?:reasoning\w*|tool_calls)":null)`;
const CONTENT_ONLY = new RegExp(
  String.raw`^\{(?:${TOP_PAIR},)*"choices":\[\{(?:${CHOICE_PAIR},)*"delta":\{(?:${DELTA_PAIR},)*"content":${J_STR}(?:,${DELTA_PAIR})*\}(?:,${CHOICE_PAIR})*\}\](?:,${TOP_PAIR})*\}$`,
);

/**
 * The content of a content-only chunk (see CONTENT_ONLY), or null when the event is anything else.
 * Inside a valid JSON string every quote is escaped, so the first `"delta":{` and the first
 * `"content":"` after it are the structural ones.
 */
export function contentOnly(data: string): string | null {
  if (data.charCodeAt(0) !== 0x7b || !CONTENT_ONLY.test(data)) return null;
  const start = data.indexOf('"content":"', data.indexOf('"delta":{')) + 11;
  let i = start;
  let escaped = false;
  for (;;) {
    const c = data.charCodeAt(i);
    if (c === 0x22) break;
    if (c === 0x5c) {
      escaped = true;
      i += 2;
    } else i++;
  }
  const raw = data.slice(start, i);
  return escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/** What a delta writes into: text, tool calls, and the first tool-call protocol error. */
interface DeltaTarget extends TextSink {
  toolCalls: ToolCallOut[];
  protocolError: string | null;
}

/**
 * Route one streamed delta into a choice: content, reasoning fields, tool-call deltas (merged
 * only while `mergeCalls`; an error lands in target.protocolError). Returns the appendContent
 * flags, tool calls counting as answer. Allocation-free: this runs per event.
 */
function applyDelta(d: Record<string, unknown>, target: DeltaTarget, think: ThinkTagSplitter, mergeCalls: boolean): number {
  let flags = 0;
  const c = d.content;
  if (c != null) flags = appendContent(c, target, think);
  const r = reasoningText(d);
  if (r.length > 0) {
    target.reasoning += r;
    flags |= TOKEN;
  }
  const tc = d.tool_calls;
  if (Array.isArray(tc) && tc.length > 0 && mergeCalls) {
    target.protocolError = mergeToolCalls(target.toolCalls, tc);
    flags |= TOKEN | ANSWER;
  }
  return flags;
}

/** Most choices one answer may hold (the API's n is at most 128): a choice index beyond it is ignored. */
export const MAX_CHOICES = 128;

/** A choice after the first (n > 1): its text (capped like choice 0's), tool calls and finish reason. */
class ChoiceAccumulator implements DeltaTarget {
  private keptContent = '';
  private keptReasoning = '';
  dropped = 0;
  toolCalls: ToolCallOut[] = [];
  finishReason: string | null = null;
  protocolError: string | null = null;
  readonly think = new ThinkTagSplitter(this);

  constructor(readonly index: number, private readonly maxKept: number) {}

  get content(): string {
    return this.keptContent;
  }
  set content(v: string) {
    this.keptContent = this.capped(this.keptContent, v);
  }
  get reasoning(): string {
    return this.keptReasoning;
  }
  set reasoning(v: string) {
    this.keptReasoning = this.capped(this.keptReasoning, v);
  }

  /** The new value when it fits, else the old one filled up to the cap (the rest counted as dropped). */
  private capped(old: string, v: string): string {
    if (v.length <= this.maxKept) return v;
    const kept = old.length < this.maxKept ? v.slice(0, cutAt(v, this.maxKept)) : old;
    this.dropped += v.length - kept.length;
    return kept;
  }

  /** The finished choice; `true` in `answered` when held-back text turned out to be answer. */
  finish(): { choice: ChoiceOut; answered: boolean } {
    const answered = this.think.finish();
    const note = this.dropped > 0 ? truncationNote(this.keptContent.length, this.keptContent.length + this.dropped) : '';
    return {
      choice: {
        index: this.index, content: this.keptContent + note, reasoning: this.keptReasoning,
        toolCalls: this.toolCalls.filter((t) => t !== undefined), finishReason: this.finishReason,
      },
      answered,
    };
  }
}

/**
 * Everything one streamed response has said so far, fed one SSE event at a time with the time
 * its bytes arrived. Kept allocation-free per event beyond JSON.parse: marks are numbers, text
 * is appended, usage is kept as the raw object and normalised once at the end.
 */
export class StreamAccumulator implements TextSink {
  // Text goes through setters (the <think> splitter appends with +=, so a new value is always
  // the kept text plus an addition): once a field is full an append is only counted, never
  // copied, so the cost per event stays constant.
  private keptContent = '';
  private keptReasoning = '';
  /** Characters received beyond `maxKept` and not kept. */
  droppedContentChars = 0;
  droppedReasoningChars = 0;

  /** Events that took the content-only path (contentOnly) instead of JSON.parse. */
  fastEvents = 0;

  /** `fastPath` false: every event through JSON.parse (the reference the fast path is tested against). */
  constructor(private readonly maxKept = MAX_KEPT_CHARS, private readonly fastPath = true) {}

  get content(): string {
    return this.keptContent;
  }
  set content(v: string) {
    if (v.length <= this.maxKept) {
      this.keptContent = v;
      return;
    }
    if (this.keptContent.length < this.maxKept) this.keptContent = v.slice(0, cutAt(v, this.maxKept));
    this.droppedContentChars += v.length - this.keptContent.length;
  }

  get reasoning(): string {
    return this.keptReasoning;
  }
  set reasoning(v: string) {
    if (v.length <= this.maxKept) {
      this.keptReasoning = v;
      return;
    }
    if (this.keptReasoning.length < this.maxKept) this.keptReasoning = v.slice(0, cutAt(v, this.maxKept));
    this.droppedReasoningChars += v.length - this.keptReasoning.length;
  }

  toolCalls: ToolCallOut[] = [];
  /** Last non-null usage object seen (top-level `usage`, else Groq's `x_groq.usage`). */
  usageRaw: object | null = null;
  finishReason: string | null = null;
  /** First error reported inside the stream (`event: error`, an `error` object, an `error:` line). */
  streamError: string | null = null;
  sawDone = false;
  doneAt: number | null = null;
  /** Data events that parsed as JSON objects / that did not. */
  jsonEvents = 0;
  badEvents = 0;
  /**
   * Of badEvents, those that look like JSON (start with `{` or `[`) but do not parse: a chunk
   * cut or garbled. Its text, finish_reason or usage is lost, so the response is not trusted
   * (the client fails it as invalid_response). Other non-JSON data (a keep-alive word) is only counted.
   */
  malformedEvents = 0;
  /** The first malformed event's data, for the message. */
  firstMalformed: string | null = null;
  /** Lines with an unknown SSE field name (a non-SSE body parses as nothing but these). */
  unknownFields = 0;
  /** First violation of the chat-chunk protocol that makes the answer unusable (a tool-call index out of range). */
  protocolError: string | null = null;

  firstTok: number | null = null;
  firstAnswer: number | null = null;
  lastTok: number | null = null;
  readonly tokenTimes: number[] = [];

  private readonly think = new ThinkTagSplitter(this);
  /** Choices 1.. of an n > 1 answer, by index (made on the first one: most answers have one choice). */
  private others: Map<number, ChoiceAccumulator> | null = null;

  onEvent(event: string | undefined, data: string, t: number): void {
    if (this.sawDone) return;
    if (data === '[DONE]' || (data.length < 12 && data.trim() === '[DONE]')) {
      this.sawDone = true;
      this.doneAt = t;
      return;
    }
    if (this.fastPath && event !== 'error') {
      const text = contentOnly(data);
      if (text !== null) {
        this.fastEvents++;
        this.jsonEvents++;
        if (text.length > 0) this.mark(this.think.push(text) ? TOKEN | ANSWER : TOKEN, t);
        return;
      }
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      if (event === 'error') this.setError(data);
      else {
        this.badEvents++;
        const c = data.trimStart().charCodeAt(0);
        if (c === 0x7b || c === 0x5b) {
          this.malformedEvents++;
          this.firstMalformed ??= data.slice(0, 120);
        }
      }
      return;
    }
    if (chunk === null || typeof chunk !== 'object') {
      if (event === 'error') this.setError(data);
      else this.badEvents++;
      return;
    }
    this.jsonEvents++;
    if (event === 'error') this.setError(errorMessageFromJson(chunk) ?? data);
    this.applyChunk(chunk as Record<string, unknown>, t);
  }

  /** eventsource-parser reports non-SSE field lines; llama-box sends `error: {...}` that way. */
  onUnknownField(field: string, value: string): void {
    this.unknownFields++;
    if (field !== 'error') return;
    let msg: string | null = null;
    try {
      msg = errorMessageFromJson(JSON.parse(value));
    } catch {
      msg = value.trim() || null;
    }
    this.setError(msg ?? 'error line in stream');
  }

  private setError(message: string): void {
    if (this.streamError === null) this.streamError = message;
  }

  private applyChunk(chunk: Record<string, unknown>, t: number): void {
    if (chunk.error != null) this.setError(errorMessageFromJson(chunk) ?? 'error object in stream');

    let usage = chunk.usage;
    if (usage == null) {
      const xg = chunk.x_groq as { usage?: unknown } | null | undefined;
      if (xg != null && typeof xg === 'object') usage = xg.usage;
    }
    if (usage != null && typeof usage === 'object') this.usageRaw = usage;

    const choices = chunk.choices;
    if (!Array.isArray(choices) || choices.length === 0) return;
    let sawFirst = false;
    for (const raw of choices as unknown[]) {
      if (raw === null || typeof raw !== 'object') continue;
      const choice = raw as { index?: unknown; finish_reason?: unknown; delta?: unknown };
      const index = choice.index ?? 0;
      // Choice 0 once per chunk (a stray duplicate is not mixed into it); other choices apart.
      if (index === 0 && !sawFirst) {
        sawFirst = true;
        this.applyFirstChoice(choice, t);
      } else if (typeof index === 'number' && Number.isInteger(index) && index > 0 && index < MAX_CHOICES) {
        this.applyOtherChoice(index, choice, t);
      }
    }
  }

  private applyFirstChoice(choice: { finish_reason?: unknown; delta?: unknown }, t: number): void {
    if (typeof choice.finish_reason === 'string' && choice.finish_reason) this.finishReason = choice.finish_reason;
    // Only `delta`: Perplexity's last event also carries the whole `message`, which would
    // double the text.
    const d = choice.delta as Record<string, unknown> | null | undefined;
    if (d == null || typeof d !== 'object') return;
    const flags = applyDelta(d, this, this.think, this.protocolError === null);
    if (flags !== 0) this.mark(flags, t);
  }

  /** n > 1: a later choice's delta; its token events are events of the response (docs/metrics.md). */
  private applyOtherChoice(index: number, choice: { finish_reason?: unknown; delta?: unknown }, t: number): void {
    this.others ??= new Map();
    let acc = this.others.get(index);
    if (acc === undefined) {
      acc = new ChoiceAccumulator(index, this.maxKept);
      this.others.set(index, acc);
    }
    if (typeof choice.finish_reason === 'string' && choice.finish_reason) acc.finishReason = choice.finish_reason;
    const d = choice.delta as Record<string, unknown> | null | undefined;
    if (d == null || typeof d !== 'object') return;
    const flags = applyDelta(d, acc, acc.think, this.protocolError === null);
    if (acc.protocolError !== null) this.protocolError ??= acc.protocolError;
    if (flags !== 0) this.mark(flags, t);
  }

  /** A token-bearing event at `t` (flags from appendContent). */
  private mark(flags: number, t: number): void {
    if (this.firstTok === null) this.firstTok = t;
    if ((flags & ANSWER) !== 0 && this.firstAnswer === null) this.firstAnswer = t;
    this.lastTok = t;
    this.tokenTimes.push(t);
  }

  /** End of stream: release text held back by the <think> splitter. */
  finish(): void {
    if (this.think.finish() && this.firstAnswer === null) this.firstAnswer = this.lastTok;
    // Direct writes: the note must not be cut by the setters.
    if (this.droppedContentChars > 0) {
      const kept = this.keptContent.length;
      this.keptContent += truncationNote(kept, kept + this.droppedContentChars);
    }
    if (this.droppedReasoningChars > 0) {
      const kept = this.keptReasoning.length;
      this.keptReasoning += truncationNote(kept, kept + this.droppedReasoningChars);
    }
  }

  /** Choices 1.. in index order (call after finish()), or undefined when the answer had one choice. */
  extraChoices(): ChoiceOut[] | undefined {
    if (this.others === null) return undefined;
    return [...this.others.values()].sort((a, b) => a.index - b.index).map((acc) => {
      const { choice, answered } = acc.finish();
      if (answered && this.firstAnswer === null) this.firstAnswer = this.lastTok;
      return choice;
    });
  }

  /** Tool calls without holes (deltas may skip an index). */
  compactToolCalls(): ToolCallOut[] {
    return this.toolCalls.filter((t) => t !== undefined);
  }
}
