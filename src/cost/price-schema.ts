import { z } from 'zod';

/**
 * The price formats, as zod schemas. Kept free of other evalbench imports so the suite schema
 * can embed `pricingMapSchema` as its `pricing:` field without an import cycle.
 */

/** Same shape as the suite's model reference (`provider:model`), plus `provider:*`. */
const priceKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+:.+$/, { error: 'a model reference `provider:model`, e.g. openai:gpt-4o, or `provider:*`' })
  .refine((k) => !k.includes('*') || /^[^:]+:\*$/.test(k), {
    error: 'a wildcard is only allowed as the whole model part: `provider:*`',
  });

const usdPerMillion = z
  .number()
  .min(0, { error: 'a price cannot be negative' })
  .describe('USD per 1M tokens');

/** One model's prices, as written in YAML. */
export const modelPriceSchema = z.strictObject({
  input: usdPerMillion.describe('USD per 1M uncached prompt tokens.'),
  cached_input: usdPerMillion.optional().describe('USD per 1M cached prompt tokens. Omitted: billed as input.'),
  output: usdPerMillion.describe('USD per 1M completion tokens, reasoning tokens included.'),
  reasoning: usdPerMillion.optional()
    .describe('USD per 1M reasoning tokens, only for a model that bills them apart from output. Omitted: billed as output.'),
  note: z.string().optional(),
});
export type ModelPriceSpec = z.infer<typeof modelPriceSchema>;

/** A suite's `pricing:` map (also the `models:` map of a price file). */
export const pricingMapSchema = z
  .record(priceKeySchema, modelPriceSchema)
  .describe('Prices per `provider:model` (or `provider:*`), USD per 1M tokens; overrides the shipped prices.yaml.');
export type PricingMap = z.infer<typeof pricingMapSchema>;

/** A whole price file: the shipped prices.yaml or a `--prices FILE`. */
export const priceFileSchema = z.strictObject({
  version: z.literal(1, { error: 'unsupported price file version: this evalbench reads `version: 1`' }),
  as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'a date, YYYY-MM-DD' }).optional(),
  source: z.string().optional().describe('Where the prices come from.'),
  models: pricingMapSchema,
});

