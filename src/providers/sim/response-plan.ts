import { TOKENS_PER_MESSAGE, TOKENS_REPLY_PRIMING, countTokens } from '../../measure/tokenizer.ts';
import { answerPrompt } from './answer-engine.ts';
import { accuracyFor, effectiveEffort, type SimEffort, type SimModel } from './models.ts';
import type { PromptCache } from './prompt-cache.ts';
import { reasoningText } from './reasoning-text.ts';
import type { SimRequest } from './request-parse.ts';
import { SeededRandom, hashString } from './seeded-random.ts';
import { toPieces, tokenIds, type TokenPiece } from './token-pieces.ts';
import { properNouns, schemaValue } from './schema-value.ts';
import { planToolCalls, toolResultAnswer, type PlannedCall } from './tool-calls.ts';

/** Prompt tokens an image part counts for (OpenAI's low-detail figure). */
export const IMAGE_PROMPT_TOKENS = 85;

/** The usage object, exactly as sent on the wire. */
export interface UsageJson {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

/** A planned tool call: its arguments are streamed in pieces after a first delta with id and name. */
export interface ToolCallPlan extends PlannedCall {
  pieces: readonly TokenPiece[];
}

/** One choice of the response (n > 1 plans several). */
export interface ChoicePlan {
  correct: boolean | null;
  reasoning: readonly TokenPiece[];
  answer: readonly TokenPiece[];
  reasoningText: string;
  answerText: string;
  toolCalls: readonly ToolCallPlan[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  completionTokens: number;
  reasoningTokens: number;
  /** Token events when streamed: reasoning pieces, answer pieces, then per call one name delta and its argument pieces. */
  events: number;
}

/** Everything one response will contain and when, decided before the first byte is sent. Choice 0's fields are at the top. */
export interface ResponsePlan extends ChoicePlan {
  effort: SimEffort | null;
  task: string | null;
  /** Choices 1..n-1 (empty for n = 1). */
  more: readonly ChoicePlan[];
  usage: UsageJson;
  /** Request arrival to the first token event. */
  ttftMs: number;
  /** gapsMs[i] = time between token event i and i+1 (reasoning events first, then answer); with n > 1, events of the same rank go out together. */
  gapsMs: number[];
}

export interface PlanInput {
  seed: number;
  modelName: string;
  model: SimModel;
  request: SimRequest;
  /** `x-sim-sample` header ('' when absent): a new draw of the same prompt (e.g. a repeat index). */
  sample: string;
  /** promptKey(request), computed once by the caller. */
  promptKey: string;
  /** How many times this exact request was seen before (varies timings, not answers). */
  occurrence: number;
  promptCache: PromptCache;
  ttftOverrideMs?: number;
  itlOverrideMs?: number;
  /** Extra pause inserted after the 3rd token event (stall fault that resumes). */
  pauseMs?: number;
  pauseAfterEvent?: number;
}

const ROLE_MARK: Record<string, number> = { system: -1, developer: -2, user: -3, assistant: -4, tool: -5 };

/** Stable identity of a conversation, hashed once (answers depend on it, not on the counter). */
export function promptKey(request: SimRequest): string {
  let key = '';
  for (const m of request.messages) key += `${m.role}\u0000${m.text}\u0000${m.images}\u0001`;
  return hashString(key).toString(36);
}

/** The text the answer engine reads: the last user message (else the last message). */
export function taskPrompt(request: SimRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) if (request.messages[i].role === 'user') return request.messages[i].text;
  return request.messages[request.messages.length - 1].text;
}

function promptUsage(input: PlanInput): { promptTokens: number; cachedTokens: number } {
  const ids: number[] = [];
  // Chat framing as real servers bill it (and as the client's estimate counts it, measure/tokenizer.ts).
  let promptTokens = TOKENS_REPLY_PRIMING;
  for (const m of input.request.messages) {
    ids.push(ROLE_MARK[m.role] ?? -9);
    const t = tokenIds(m.text);
    for (const id of t) ids.push(id);
    promptTokens += TOKENS_PER_MESSAGE + countTokens(m.role) + t.length + m.images * IMAGE_PROMPT_TOKENS;
    if (m.images > 0) ids.push(-100 - m.images);
  }
  const cachedTokens = input.promptCache.lookupAndRecord(input.modelName, ids);
  return { promptTokens, cachedTokens };
}

/** Take pieces while they fit the remaining budget. */
function fit(pieces: readonly TokenPiece[], budget: number): { kept: readonly TokenPiece[]; tokens: number; cut: boolean } {
  let tokens = 0;
  let i = 0;
  for (; i < pieces.length; i++) {
    if (tokens + pieces[i].tokens > budget) break;
    tokens += pieces[i].tokens;
  }
  return { kept: i === pieces.length ? pieces : pieces.slice(0, i), tokens, cut: i < pieces.length };
}

/** Text the choice answers with: the tool result when the conversation ends with one, shaped by response_format. */
function shapeAnswer(request: SimRequest, engineText: string, rng: SeededRandom): string {
  const text = toolResultAnswer(request) ?? engineText;
  const format = request.responseFormat;
  if (format.type === 'text') return text;
  if (format.type === 'json_object') {
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return text;
    } catch {
      // not JSON: wrapped below
    }
    return JSON.stringify({ answer: text });
  }
  return JSON.stringify(schemaValue(format.schema, { names: properNouns(taskPrompt(request)), answer: text }, rng));
}

function toolCallPlans(calls: readonly PlannedCall[], budget: number): { plans: ToolCallPlan[]; tokens: number; cut: boolean } {
  const plans: ToolCallPlan[] = [];
  let tokens = 0;
  let cut = false;
  for (const c of calls) {
    const f = fit(toPieces(c.arguments), budget - tokens);
    tokens += f.tokens;
    plans.push({ ...c, arguments: f.kept.map((p) => p.text).join(''), pieces: f.kept });
    if (f.cut) {
      cut = true;
      break;
    }
  }
  return { plans, tokens, cut };
}

/** One choice: answer (or tool calls), reasoning, budget cut. Choice 0 draws exactly as a one-choice request. */
function planChoice(input: PlanInput, effort: SimEffort | null, index: number): ChoicePlan & { task: string | null } {
  const { seed, modelName, model, request, sample } = input;
  const key = [modelName, effort ?? '', input.promptKey, sample, request.seed ?? '', ...(index > 0 ? ['choice', index] : [])];
  // Answer and reasoning text: counter-free, so the same prompt gets the same answer every time.
  const answerRng = new SeededRandom(seed, 'answer', ...key);
  const correct = answerRng.next() < accuracyFor(model, effort);
  const engine = answerPrompt(taskPrompt(request), correct, answerRng);

  let rText = '';
  const base = model.reasoning && effort !== null ? model.reasoning.tokens[effort] : 0;
  if (base > 0) {
    const rRng = new SeededRandom(seed, 'reasoning', ...key);
    rText = reasoningText(engine.gist, Math.max(1, Math.round(base * (0.85 + 0.3 * rRng.next()))), rRng);
  }
  const calls = planToolCalls(request, taskPrompt(request), [seed, ...key]);
  let answerText = calls.length > 0 ? '' : shapeAnswer(request, engine.text, answerRng);
  for (const s of request.stop) {
    const at = answerText.indexOf(s);
    if (at >= 0) answerText = answerText.slice(0, at);
  }

  const budget = request.maxTokens ?? Number.POSITIVE_INFINITY;
  const r = fit(rText ? toPieces(rText) : [], budget);
  const a = fit(answerText ? toPieces(answerText) : [], budget - r.tokens);
  const t = toolCallPlans(calls, budget - r.tokens);
  const cut = r.cut || a.cut || t.cut;
  const join = (ps: readonly TokenPiece[]) => ps.map((p) => p.text).join('');
  return {
    task: engine.task, correct: engine.correct, reasoning: r.kept, answer: a.kept,
    reasoningText: join(r.kept), answerText: join(a.kept), toolCalls: t.plans,
    finishReason: cut ? 'length' : t.plans.length > 0 ? 'tool_calls' : 'stop',
    completionTokens: r.tokens + a.tokens + t.tokens, reasoningTokens: r.tokens,
    events: r.kept.length + a.kept.length + t.plans.reduce((n, c) => n + 1 + c.pieces.length, 0),
  };
}

/** TTFT and the gaps between `events` token events; they vary with the occurrence counter, so repeats differ in speed. */
function planTimings(input: PlanInput, effort: SimEffort | null, uncachedPromptTokens: number, events: number): { ttftMs: number; gapsMs: number[] } {
  const { seed, modelName, model, request, sample } = input;
  const tRng = new SeededRandom(seed, 'timing', modelName, effort ?? '', input.promptKey, sample, request.seed ?? '', request.maxTokens ?? '', input.occurrence);
  const ttftMs =
    input.ttftOverrideMs ??
    tRng.lognormal(model.ttft.meanMs, model.ttft.sigma) + (model.prefillMsPer1kTokens * uncachedPromptTokens) / 1000;
  const gapsMs: number[] = new Array(Math.max(0, events - 1));
  for (let i = 0; i < gapsMs.length; i++) {
    if (input.itlOverrideMs !== undefined) gapsMs[i] = input.itlOverrideMs;
    else {
      let g = tRng.lognormal(model.itl.meanMs, model.itl.sigma);
      if (model.itlSpike.rate > 0 && tRng.next() < model.itlSpike.rate) g += model.itlSpike.ms;
      gapsMs[i] = g;
    }
  }
  if (input.pauseMs && gapsMs.length > 0) {
    const at = Math.min(input.pauseAfterEvent ?? 2, gapsMs.length - 1);
    gapsMs[at] += input.pauseMs;
  }
  return { ttftMs, gapsMs };
}

export function planResponse(input: PlanInput): ResponsePlan {
  const effort = effectiveEffort(input.model, input.request.effort);
  const { task, ...first } = planChoice(input, effort, 0);
  const more: ChoicePlan[] = [];
  for (let i = 1; i < input.request.n; i++) {
    const { task: _task, ...c } = planChoice(input, effort, i);
    more.push(c);
  }
  const all = [first, ...more];
  const { promptTokens, cachedTokens } = promptUsage(input);
  // Usage counts the prompt once and every choice's completion.
  const completion = all.reduce((n, c) => n + c.completionTokens, 0);
  const usage: UsageJson = {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: all.reduce((n, c) => n + c.reasoningTokens, 0), audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0,
    },
  };
  const events = Math.max(...all.map((c) => c.events));
  return { ...first, effort, task, more, usage, ...planTimings(input, effort, promptTokens - cachedTokens, events) };
}
