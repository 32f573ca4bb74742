import { z } from 'zod';

// Kept free of other evalbench imports: the suite schema embeds it as `gates:`.

/**
 * The suite's `gates:` block (and the run flags of the same names). Every threshold is optional;
 * a run passes when every gate set passes. Strict: an unknown key is an error.
 */
export const gatesSchema = z
  .strictObject({
    min_pass_rate: z.number().min(0).max(1).optional()
      .describe('Lowest pass rate allowed, 0..1 (0.9 = 90%). Errors on graded cases count as failures.'),
    max_error_rate: z.number().min(0).max(1).optional()
      .describe('Highest share of failed requests allowed, 0..1, over requests sent (skipped jobs are left out).'),
    max_p95_ttft_ms: z.number().nonnegative().optional()
      .describe('Highest p95 time to first token allowed, ms, over successful requests.'),
    max_p95_latency_ms: z.number().nonnegative().optional()
      .describe('Highest p95 end-to-end latency allowed, ms, over successful requests.'),
    max_cost_usd: z.number().nonnegative().optional()
      .describe('Highest total cost allowed, USD (needs prices for the models).'),
    per_config: z.boolean().optional()
      .describe('false (default): gate the run as a whole. true: every model x effort must pass every gate on its own.'),
  })
  .describe('Thresholds that set the exit code: a failed gate exits 1.');

export type GateConfig = z.infer<typeof gatesSchema>;
