import type { ModelPrice, PriceTable } from './price-table.ts';
import { priceFor } from './price-table.ts';

/** Token counts of one request, as in a result row / normalised Usage (null = unknown). */
export interface CostUsage {
  promptTokens: number | null;
  /** Unknown is treated as 0: every prompt token billed at the full input rate (never an undercount). */
  cachedTokens?: number | null;
  /** Includes reasoning tokens (OpenAI's convention, which the usage normaliser keeps). */
  completionTokens: number | null;
  /** Only used when the price bills reasoning apart from output. */
  reasoningTokens?: number | null;
}

const PER_TOKEN = 1e-6; // prices are USD per 1M tokens

/**
 * USD cost of one request:
 *   (prompt - cached) x input + cached x cached_input + completion x output, per 1M tokens.
 * Reasoning tokens are part of completion and billed as output, unless the price sets
 * `reasoning`: then they are billed at that rate and only the rest of completion at `output`.
 * null when the model is unpriced or prompt/completion tokens are unknown: never a guess.
 */
export function requestCost(price: ModelPrice | undefined, usage: CostUsage): number | null {
  if (price === undefined) return null;
  const { promptTokens: prompt, completionTokens: completion } = usage;
  if (prompt === null || completion === null || !Number.isFinite(prompt) || !Number.isFinite(completion)) return null;
  // Servers have been seen reporting cached > prompt: clamp rather than bill negative tokens.
  const cached = clamp(usage.cachedTokens ?? 0, 0, prompt);
  let outputCost: number;
  if (price.reasoning !== undefined && usage.reasoningTokens != null) {
    const reasoning = clamp(usage.reasoningTokens, 0, completion);
    outputCost = (completion - reasoning) * price.output + reasoning * price.reasoning;
  } else {
    outputCost = completion * price.output;
  }
  return roundUsd(((prompt - cached) * price.input + cached * price.cachedInput + outputCost) * PER_TOKEN);
}

/** Cost of a request by model reference: looks the price up in `table`. */
export function requestCostFor(table: PriceTable, modelRef: string, usage: CostUsage): number | null {
  return requestCost(priceFor(table, modelRef), usage);
}

/** Model references (deduplicated, first-seen order) that have no price in `table`. */
export function unpricedModels(table: PriceTable, modelRefs: Iterable<string>): string[] {
  const out: string[] = [];
  for (const ref of new Set(modelRefs)) if (priceFor(table, ref) === undefined) out.push(ref);
  return out;
}

/** The one warning for a run with unpriced models, or null when every model is priced. */
export function unpricedWarning(unpriced: readonly string[]): string | null {
  if (unpriced.length === 0) return null;
  const list = unpriced.join(', ');
  return (
    `no price known for ${list}: cost_usd is left empty for ${unpriced.length === 1 ? 'it' : 'them'} ` +
    `(evalbench never guesses a price). Add prices with \`pricing:\` in the suite or --prices FILE, ` +
    `as pricing: {"${unpriced[0]}": {input: ..., cached_input: ..., output: ...}} in USD per 1M tokens.`
  );
}

/**
 * Rounded to 1e-10 USD: removes float noise (0.30000000000000004) from CSV cells while staying
 * far below the cost of a single token at any real price.
 */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
