import { z } from 'zod';
import { pricingMapSchema } from '../cost/price-schema.ts';
import { gatesSchema } from '../report/gates-schema.ts';

/**
 * The suite format, one zod schema: it validates suites and generates the JSON Schema that
 * `evalbench schema` prints (z.toJSONSchema), so the two can never disagree.
 * Objects are strict: an unknown key is an error (the loader adds a "did you mean").
 */

export const EFFORTS = ['none', 'low', 'medium', 'high'] as const;
export const effortSchema = z.enum(EFFORTS).describe('Reasoning effort sent as `reasoning_effort`.');
export type Effort = z.infer<typeof effortSchema>;

const textPart = z.strictObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.strictObject({
  type: z.literal('image_url'),
  image_url: z.strictObject({
    url: z.string().min(1).describe('http(s) URL, data: URL, or a file path relative to the suite (sent as a data URL).'),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});
export const contentPartSchema = z.discriminatedUnion('type', [textPart, imagePart]);
export type ContentPart = z.infer<typeof contentPartSchema>;

export const messageSchema = z.strictObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(contentPartSchema).min(1)]),
});
export type SuiteMessage = z.infer<typeof messageSchema>;

/** Request parameters: suite `defaults`, overridable per case. */
export const requestOptionsShape = {
  system: z.string().optional().describe('System prompt prepended to every case that has no system message.'),
  max_completion_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  seed: z.number().int().optional(),
  stream: z.boolean().optional().describe('Stream the answer (SSE). Default true: needed for TTFT and ITL.'),
};
export const requestOptionsSchema = z.strictObject(requestOptionsShape);
export type RequestOptions = z.infer<typeof requestOptionsSchema>;

/** Assertions are graded by src/grade; here only their outer shape is fixed. */
export const assertionSchema = z.looseObject({
  type: z.string().min(1).describe('Assertion type, e.g. contains, regex, is-json; prefix with not- to negate.'),
  value: z.unknown().optional(),
  weight: z.number().min(0).optional(),
});
export type AssertionSpec = z.infer<typeof assertionSchema>;

export const caseSchema = z
  .strictObject({
    id: z.string().min(1).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only'),
    description: z.string().optional(),
    prompt: z.string().optional().describe('The user message. Use `messages` for several turns or images.'),
    messages: z.array(messageSchema).min(1).optional(),
    vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional()
      .describe('Values substituted into {{name}} placeholders in prompt and messages.'),
    tags: z.array(z.string()).optional(),
    assert: z.array(assertionSchema).optional(),
    threshold: z.number().min(0).max(1).optional(),
    ...requestOptionsShape,
  })
  .refine((c) => (c.prompt === undefined) !== (c.messages === undefined), {
    message: 'a case needs exactly one of `prompt` or `messages`',
  });
export type SuiteCase = z.infer<typeof caseSchema>;

export const providerSchema = z.strictObject({
  type: z.literal('openai-compatible'),
  base_url: z.url().describe('Base URL up to /v1; requests go to {base_url}/chat/completions.'),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional()
    .describe('Environment variable that holds the API key. Omit for servers that need no key.'),
  concurrency: z.number().int().positive().optional().describe('Cap on requests in flight to this provider.'),
  headers: z.record(z.string(), z.string()).optional(),
});
export type ProviderSpec = z.infer<typeof providerSchema>;

export const retrySchema = z.strictObject({
  max_retries: z.number().int().min(0).max(20).default(2),
  base_delay_ms: z.number().int().min(0).default(500),
  max_delay_ms: z.number().int().min(0).default(20_000),
});
export type RetryPolicy = z.infer<typeof retrySchema>;

export const modelRefSchema = z.string().regex(/^[A-Za-z0-9_.-]+:.+$/, 'a model reference `provider:model`, e.g. sim:fast');

export const suiteSchema = z.strictObject({
  name: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and _ . - only (it names the results folder)'),
  description: z.string().optional(),
  providers: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), providerSchema).optional(),
  models: z.array(modelRefSchema).min(1),
  reasoning_effort: z.array(effortSchema).min(1).optional()
    .describe('Effort levels to run each model at. Omitted: the field is not sent.'),
  defaults: requestOptionsSchema.optional(),
  default_assert: z.array(assertionSchema).optional(),
  grading: z.strictObject({
    judge: modelRefSchema.optional().describe('Model that grades llm-rubric assertions, e.g. openai:gpt-4o-mini.'),
    env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)'))
      .optional()
      .describe('Environment variables javascript graders may read. They see no other: no API keys unless listed here.'),
  }).optional(),
  pricing: pricingMapSchema.optional()
    .describe('USD per 1M tokens per provider:model (input, cached_input, output); overrides prices.yaml.'),
  gates: gatesSchema.optional().describe('Thresholds that set the exit code (1 when one fails); flags of the same names override.'),
  repeats: z.number().int().positive().default(1),
  concurrency: z.number().int().positive().default(8),
  retry: retrySchema.prefault({}),
  timeout_ms: z.number().int().positive().default(60_000),
  cases: z.array(caseSchema).min(1),
});
/** A suite as validated (defaults applied), before file paths are resolved. */
export type SuiteDocument = z.infer<typeof suiteSchema>;
