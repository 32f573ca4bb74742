import type { FaultRates } from './faults.ts';

/** Reasoning effort values the simulator understands (`minimal` as OpenAI's o-series has it). */
export const SIM_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high'] as const;
export type SimEffort = (typeof SIM_EFFORTS)[number];

/** A delay distribution: lognormal with this arithmetic mean and log-space sigma (0 = constant). */
export interface DelaySpec {
  meanMs: number;
  sigma: number;
}

/** One simulated model: its speed, its reasoning and how often it answers correctly. */
export interface SimModel {
  /** Time from request arrival to the first token, before prefill. */
  ttft: DelaySpec;
  /** Extra TTFT per 1000 uncached prompt tokens (prefill), so long prompts start later. */
  prefillMsPer1kTokens: number;
  /** Gap between successive tokens (reasoning and answer alike). */
  itl: DelaySpec;
  /** Occasional decode hiccup (a batch being scheduled in): probability per gap and its extra ms. */
  itlSpike: { rate: number; ms: number };
  /**
   * Reasoning tokens per effort (approximate: the text is whole words). null = not a
   * reasoning model: `reasoning_effort` is accepted and ignored, as many servers do.
   */
  reasoning: { defaultEffort: SimEffort; tokens: Record<SimEffort, number> } | null;
  /** Probability of the correct answer to a gradable task. */
  accuracy: number;
  /** Per-effort accuracy for reasoning models (falls back to `accuracy`). */
  accuracyByEffort?: Partial<Record<SimEffort, number>>;
  /** Faults this model injects by itself (global `faults` options override field by field). */
  faults?: Partial<FaultRates>;
}

const REASONING_TOKENS: Record<SimEffort, number> = { none: 0, minimal: 8, low: 16, medium: 64, high: 192 };

/**
 * The built-in model table (a simulator, not a real model: answers come from a small rule-based
 * engine, see answer-engine.ts).
 *
 * | model    | TTFT mean | ITL mean | reasoning (none/low/medium/high, unset) | accuracy              | faults              |
 * |----------|-----------|----------|-----------------------------------------|-----------------------|---------------------|
 * | fast     | 40 ms     | 4 ms     | -                                       | 0.92                  | -                   |
 * | slow     | 300 ms    | 25 ms    | -                                       | 0.80                  | -                   |
 * | reasoner | 120 ms    | 6 ms     | 0 / ~16 / ~64 / ~192, unset = medium    | .55 / .70 / .85 / .95 | -                   |
 * | flaky    | 80 ms     | 8 ms     | -                                       | 0.85                  | 8% 5xx, 8% 429 (1s) |
 * | instant  | 0         | 0        | -                                       | 1.00                  | - (benchmarks)      |
 */
export const DEFAULT_MODELS: Readonly<Record<string, SimModel>> = {
  fast: {
    ttft: { meanMs: 40, sigma: 0.25 },
    prefillMsPer1kTokens: 10,
    itl: { meanMs: 4, sigma: 0.2 },
    itlSpike: { rate: 0.01, ms: 15 },
    reasoning: null,
    accuracy: 0.92,
  },
  slow: {
    ttft: { meanMs: 300, sigma: 0.3 },
    prefillMsPer1kTokens: 60,
    itl: { meanMs: 25, sigma: 0.25 },
    itlSpike: { rate: 0.02, ms: 60 },
    reasoning: null,
    accuracy: 0.8,
  },
  reasoner: {
    ttft: { meanMs: 120, sigma: 0.3 },
    prefillMsPer1kTokens: 20,
    itl: { meanMs: 6, sigma: 0.2 },
    itlSpike: { rate: 0.01, ms: 20 },
    reasoning: { defaultEffort: 'medium', tokens: REASONING_TOKENS },
    accuracy: 0.85,
    accuracyByEffort: { none: 0.55, minimal: 0.62, low: 0.7, medium: 0.85, high: 0.95 },
  },
  flaky: {
    ttft: { meanMs: 80, sigma: 0.5 },
    prefillMsPer1kTokens: 20,
    itl: { meanMs: 8, sigma: 0.4 },
    itlSpike: { rate: 0.03, ms: 40 },
    reasoning: null,
    accuracy: 0.85,
    faults: { errorRate: 0.08, rateLimitRate: 0.08, retryAfterSeconds: 1 },
  },
  instant: {
    ttft: { meanMs: 0, sigma: 0 },
    prefillMsPer1kTokens: 0,
    itl: { meanMs: 0, sigma: 0 },
    itlSpike: { rate: 0, ms: 0 },
    reasoning: null,
    accuracy: 1,
  },
};

/** A partial model: omitted fields come from the model of the same name, or from `fast`. */
export type SimModelOverride = Partial<SimModel>;

/** The effective model table: built-ins with overrides merged in, new names based on `fast`. */
export function resolveModels(overrides: Record<string, SimModelOverride> = {}): Map<string, SimModel> {
  const table = new Map<string, SimModel>(Object.entries(DEFAULT_MODELS));
  for (const [name, o] of Object.entries(overrides)) {
    const base = table.get(name) ?? DEFAULT_MODELS.fast;
    table.set(name, { ...base, ...o });
  }
  return table;
}

/** The accuracy a model has at an effort level. */
export function accuracyFor(model: SimModel, effort: SimEffort | null): number {
  if (effort !== null && model.accuracyByEffort?.[effort] !== undefined) return model.accuracyByEffort[effort]!;
  return model.accuracy;
}

/** The effort a request runs at: what it asked for, else the model default; null = not a reasoner. */
export function effectiveEffort(model: SimModel, requested: SimEffort | undefined): SimEffort | null {
  if (!model.reasoning) return null;
  return requested ?? model.reasoning.defaultEffort;
}
