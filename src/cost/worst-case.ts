import type { Job } from '../plan/types.ts';
import type { ChatMessage } from '../providers/types.ts';
import { countMessageTokens } from '../measure/tokenizer.ts';
import type { ModelPrice, PriceTable } from './price-table.ts';
import { priceFor } from './price-table.ts';
import { roundUsd } from './request-cost.ts';

/**
 * Output tokens assumed for a job whose suite sets no `max_completion_tokens`: the server's own
 * cap is unknown, so estimates and the budget guard use this and flag it. Set
 * max_completion_tokens in the suite for a real bound.
 */
export const DEFAULT_MAX_COMPLETION_TOKENS = 1024;

export type PromptCounter = (messages: ChatMessage[]) => number;

/** A job's model reference, `provider:model`. */
export function jobModelRef(job: Pick<Job, 'provider' | 'model'>): string {
  return `${job.provider}:${job.model}`;
}

/**
 * Output-token cap of a job, and whether it is the assumed default. The cap holds per choice, so a
 * request asking for `n` choices can produce n times it (usage counts every choice).
 */
export function maxCompletionTokensOf(job: Pick<Job, 'params'>, fallback = DEFAULT_MAX_COMPLETION_TOKENS): { tokens: number; assumed: boolean } {
  const m = job.params.max_completion_tokens;
  const n = typeof job.params.n === 'number' && job.params.n > 1 ? job.params.n : 1;
  return m === undefined ? { tokens: fallback * n, assumed: true } : { tokens: m * n, assumed: false };
}

/**
 * Most a request can cost: every prompt token uncached at the input rate, plus the whole
 * completion cap at the output rate (or the reasoning rate, when a price sets one and it is
 * higher, since any part of the cap may be reasoning). 0 for an unpriced model: its spend is
 * unknown and the run warns about it once.
 */
export function worstCaseCost(price: ModelPrice | undefined, promptTokens: number, maxCompletionTokens: number): number {
  if (price === undefined) return 0;
  const outRate = Math.max(price.output, price.reasoning ?? price.output);
  return roundUsd((promptTokens * price.input + maxCompletionTokens * outRate) * 1e-6);
}

export interface JobWorstCaseOptions {
  /** Defaults to the tokenizer's countMessageTokens (messages, system prompt, images). */
  countPromptTokens?: PromptCounter;
  defaultMaxCompletionTokens?: number;
}

/** worstCaseCost for a planned job: prompt counted with the tokenizer, cap from its params. */
export function jobWorstCaseCost(job: Job, table: PriceTable, opts: JobWorstCaseOptions = {}): number {
  const price = priceFor(table, jobModelRef(job));
  if (price === undefined) return 0;
  const prompt = (opts.countPromptTokens ?? countMessageTokens)(job.messages);
  return worstCaseCost(price, prompt, maxCompletionTokensOf(job, opts.defaultMaxCompletionTokens).tokens);
}
