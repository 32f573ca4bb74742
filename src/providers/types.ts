import type { Effort } from '../suite/effort.ts';
import type { Marks } from '../measure/types.ts';

/** A provider as resolved for a run: a preset, a suite entry, or the in-process simulator. */
export interface ProviderEndpoint {
  id: string;
  /** Up to /v1, maybe with a query string: requests go to endpointUrl(baseUrl, "chat/completions"). */
  baseUrl: string;
  /** Name of the environment variable holding the key; undefined = send no Authorization. */
  apiKeyEnv?: string;
  headers: Record<string, string>;
  /** Cap on this provider's requests in flight. */
  concurrency?: number;
  /** A header that carries the job's repeat number: the simulator varies its answers by it, so repeats are real samples. */
  sampleHeader?: string;
}

export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  /** null only on an assistant message with tool_calls. */
  content: string | ChatContentPart[] | null;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  name?: string;
}

/** Sampling parameters a suite may set (defaults, per case); sent as they are. */
export interface SamplingParams {
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  stop?: string | string[];
  seed?: number;
  n?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  logit_bias?: Record<string, number>;
  response_format?: { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean } };
  tools?: { type: 'function'; function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean } }[];
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };
  parallel_tool_calls?: boolean;
  user?: string;
  metadata?: Record<string, string>;
  /** Merged into the body as is (never over the keys evalbench sets). */
  extra_body?: Record<string, unknown>;
}

/** The JSON body POSTed to /chat/completions (only the fields evalbench sends). */
export interface ChatRequestBody extends SamplingParams {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  reasoning_effort?: Effort;
}

/** One HTTP attempt, everything the client needs. */
export interface AttemptRequest {
  url: string;
  /** Resolved from the environment by the caller; never logged, never put in an error. */
  apiKey?: string;
  headers: Record<string, string>;
  body: ChatRequestBody;
  timeoutMs: number;
  /** Run-level cancellation (Ctrl-C, budget): aborts the attempt; never retried. */
  signal?: AbortSignal;
  /**
   * Open loop with HTTP worker threads: the arrival's due time (the caller's clock). The engine
   * hands the job over ahead of it and the client waits on its own thread, so a pause of the
   * caller's thread (GC) does not delay the send. Already past: sent at once.
   */
  notBefore?: number;
  /** Aborts the wait for `notBefore` (the run stopped sending): the attempt is not sent, an `interrupted` result. */
  cancelHold?: AbortSignal;
}

import type { ErrorType } from '../results/error-types.ts';
/** The closed list of error types is part of the row contract (src/results). */
export { ERROR_TYPES, type ErrorType } from '../results/error-types.ts';

/** Token usage, normalised across servers. null = the server did not say. */
export interface Usage {
  promptTokens: number | null;
  completionTokens: number | null;
  reasoningTokens: number | null;
  cachedTokens: number | null;
  totalTokens: number | null;
}

export interface ToolCallOut {
  id?: string;
  name?: string;
  arguments: string;
}

/** A choice after the first of an answer with several (`n > 1`): its own text, calls and finish reason. */
export interface ChoiceOut {
  index: number;
  content: string;
  reasoning: string;
  toolCalls: ToolCallOut[];
  finishReason: string | null;
}

/** What one attempt produced. Failures are values, never thrown. */
export interface AttemptResult {
  ok: boolean;
  httpStatus: number | null;
  errorType: ErrorType | null;
  /** Human-readable, with secrets redacted; null when ok. */
  errorMessage: string | null;
  /** From Retry-After / retry-after-ms, when the server sent one. */
  retryAfterMs: number | null;
  marks: Marks;
  /** Answer text (content deltas joined). Inline <think> blocks are moved to `reasoning`. */
  content: string;
  reasoning: string;
  toolCalls: ToolCallOut[];
  usage: Usage | null;
  finishReason: string | null;
  /** Choices 1.. of an answer with several (`n > 1`), in index order; absent for one choice. The fields above are choice 0's. */
  extraChoices?: ChoiceOut[];
  /** Characters of answer and reasoning text received beyond MAX_KEPT_CHARS and not kept. */
  droppedChars?: number;
  /** True when replayed from --cache: no request was sent, so its timings are not measurements. */
  fromCache?: boolean;
  /** Selected response headers (lower-case names) useful to schedulers: x-ratelimit-*, retry-after*. */
  rateLimitHeaders: Record<string, string>;
}

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;
