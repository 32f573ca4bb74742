import { z } from 'zod';
import { pricingMapSchema } from '../cost/price-schema.ts';
import { gatesSchema } from './gates-schema.ts';

/**
 * The suite format, one zod schema: it validates suites and generates the JSON Schema that
 * `evalbench schema` prints (z.toJSONSchema), so the two can never disagree.
 * Objects are strict: an unknown key is an error (the loader adds a "did you mean").
 */

import { EFFORTS, type Effort } from './effort.ts';

export { EFFORTS, type Effort };
export const effortSchema = z.enum(EFFORTS).describe(
  'Reasoning effort sent as `reasoning_effort`. Which levels an API accepts varies (e.g. Vivgrid: none, low, medium, high).',
);

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

const toolCallSchema = z.strictObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.strictObject({ name: z.string().min(1), arguments: z.string().describe('JSON text, as the API sends it.') }),
});

/**
 * A turn: system/developer/user/assistant text (or parts), an assistant turn that called tools
 * (`tool_calls`, content may be null), or a `tool` result answering one of those calls.
 */
export const messageSchema = z.strictObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPartSchema).min(1), z.null()]),
  tool_calls: z.array(toolCallSchema).min(1).optional().describe('Only on assistant messages.'),
  tool_call_id: z.string().min(1).optional().describe('Required on tool messages: the id of the call answered.'),
  name: z.string().optional(),
}).superRefine((m, ctx) => {
  if (m.tool_calls && m.role !== 'assistant') ctx.addIssue({ code: 'custom', path: ['tool_calls'], message: 'only an assistant message carries `tool_calls`' });
  if (m.role === 'tool' && m.tool_call_id === undefined) ctx.addIssue({ code: 'custom', path: ['tool_call_id'], message: 'a tool message needs `tool_call_id` (the id of the call it answers)' });
  if (m.role !== 'tool' && m.tool_call_id !== undefined) ctx.addIssue({ code: 'custom', path: ['tool_call_id'], message: 'only a tool message carries `tool_call_id`' });
  if (m.content === null && !(m.role === 'assistant' && m.tool_calls)) ctx.addIssue({ code: 'custom', path: ['content'], message: 'content may be null only on an assistant message with `tool_calls`' });
});
export type SuiteMessage = z.infer<typeof messageSchema>;

const jsonSchemaObject = z.record(z.string(), z.unknown());
export const toolSchema = z.strictObject({
  type: z.literal('function'),
  function: z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only, at most 64'),
    description: z.string().optional(),
    parameters: jsonSchemaObject.optional().describe('JSON Schema of the arguments.'),
    strict: z.boolean().optional(),
  }),
});
export const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only, at most 64'),
      description: z.string().optional(),
      schema: jsonSchemaObject.optional(),
      strict: z.boolean().optional(),
    }),
  }),
]);
export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: z.string().min(1) }) }),
]);

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
  n: z.number().int().min(1).max(16).optional()
    .describe('Choices per request (1-16). All are kept in the row and graded; usage is counted once per request.'),
  logprobs: z.boolean().optional(),
  top_logprobs: z.number().int().min(0).max(20).optional().describe('0-20; needs logprobs: true.'),
  logit_bias: z.record(z.string().regex(/^\d+$/, 'a token id (digits)'), z.number().min(-100).max(100)).optional()
    .describe('Token id -> bias from -100 to 100.'),
  response_format: responseFormatSchema.optional(),
  tools: z.array(toolSchema).min(1).max(128).optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  user: z.string().optional(),
  metadata: z.record(z.string().max(64), z.string().max(512)).optional().describe('Up to 16 string pairs.'),
  extra_body: z.record(z.string(), z.unknown()).optional()
    .describe('Anything else the server accepts, merged into the request body as is (case keys over defaults keys).'),
  stream: z.boolean().optional().describe('Stream the answer (SSE). Default true: needed for TTFT and ITL.'),
};
/** Keys evalbench sets itself or has a field for: extra_body may not carry them. */
export const RESERVED_BODY_KEYS = ['model', 'messages', 'stream', 'stream_options', 'reasoning_effort'] as const;

export const requestOptionsSchema = z.strictObject(requestOptionsShape).superRefine(checkRequestOptions);

/** Cross-field rules of the request parameters (also applied per case). */
export function checkRequestOptions(o: Partial<Record<keyof typeof requestOptionsShape, unknown>>, ctx: z.RefinementCtx): void {
  if (o.metadata && Object.keys(o.metadata as object).length > 16) ctx.addIssue({ code: 'custom', path: ['metadata'], message: 'at most 16 metadata keys' });
  for (const key of Object.keys((o.extra_body as object | undefined) ?? {})) {
    const reserved = (RESERVED_BODY_KEYS as readonly string[]).includes(key);
    if (reserved || key in requestOptionsShape) {
      ctx.addIssue({
        code: 'custom', path: ['extra_body', key],
        message: reserved ? `\`${key}\` is set by evalbench; it cannot come from extra_body` : `use the \`${key}\` field instead of extra_body (it is validated there)`,
      });
    }
  }
}
export type RequestOptions = z.infer<typeof requestOptionsSchema>;

/** Assertions are graded by src/grade; here only their outer shape is fixed. */
export const assertionSchema = z.looseObject({
  type: z.string().min(1).describe('Assertion type, e.g. contains, regex, is-json; prefix with not- to negate.'),
  value: z.unknown().optional(),
  weight: z.number().min(0).optional(),
});
export type AssertionSpec = z.infer<typeof assertionSchema>;

const CASE_ID = /^[A-Za-z0-9_.:-]+$/;
const CASE_ID_RULE = 'letters, digits and _ . : - only';

export const sampleSchema = z.strictObject({
  n: z.number().int().positive().describe('How many rows to keep.'),
  seed: z.number().int().default(1).describe('Same seed, same rows (kept in file order).'),
}).describe('A reproducible random subset of the rows.');

/**
 * One entry of `cases`: an inline case, or (with `file`) a dataset whose every row becomes a case.
 * One strict object rather than a union, so a typo in either kind gets a plain "did you mean".
 */
export const caseEntrySchema = z
  .strictObject({
    id: z.string().min(1).optional()
      .describe('Required for inline cases. In a file entry: a template such as "capital-{{country}}"; default <file stem>-<row>.'),
    file: z.string().min(1).optional()
      .describe('Dataset file (.csv with a header row, .jsonl, .json array or .yaml list), relative to the suite. Each row is a case; its columns are the vars.'),
    sample: sampleSchema.optional(),
    description: z.string().optional(),
    prompt: z.string().optional().describe('The user message. Use `messages` for several turns or images.'),
    messages: z.array(messageSchema).min(1).optional(),
    vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional()
      .describe('Values substituted into {{name}} placeholders in prompt, messages, assertion values and file-entry ids.'),
    tags: z.array(z.string()).optional(),
    assert: z.array(assertionSchema).optional(),
    threshold: z.number().min(0).max(1).optional(),
    ...requestOptionsShape,
  })
  .superRefine((c, ctx) => {
    checkRequestOptions(c, ctx);
    const both = c.prompt !== undefined && c.messages !== undefined;
    if (c.file === undefined) {
      if (c.id === undefined) ctx.addIssue({ code: 'custom', path: ['id'], message: 'an inline case needs an `id`' });
      else if (!CASE_ID.test(c.id)) ctx.addIssue({ code: 'custom', path: ['id'], message: CASE_ID_RULE });
      if (c.sample !== undefined) ctx.addIssue({ code: 'custom', path: ['sample'], message: '`sample` only applies to a `file` entry' });
      if (both || (c.prompt === undefined && c.messages === undefined)) {
        ctx.addIssue({ code: 'custom', path: [], message: 'a case needs exactly one of `prompt` or `messages`' });
      }
    } else if (both) {
      ctx.addIssue({ code: 'custom', path: [], message: 'a file entry takes at most one of `prompt` or `messages` (or a `prompt` column)' });
    }
  });
export type CaseEntry = z.infer<typeof caseEntrySchema>;
/** A case ready to plan: an inline case, or one row of a dataset with its id filled in. */
export type SuiteCase = Omit<CaseEntry, 'id' | 'file' | 'sample'> & { id: string };
export { CASE_ID, CASE_ID_RULE };

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
  cases: z.array(caseEntrySchema).min(1),
});
/** A suite as validated (defaults applied), before file paths are resolved. */
export type SuiteDocument = z.infer<typeof suiteSchema>;
