import { z } from 'zod';
import { suiteSchema } from './schema.ts';

export const SUITE_SCHEMA_ID = 'urn:evalbench:suite';

let raw: Record<string, unknown> | undefined;

/** The schema exactly as zod emits it (input side: keys with defaults are optional). Shared, read-only. */
export function rawSuiteJsonSchema(): Readonly<Record<string, unknown>> {
  raw ??= z.toJSONSchema(suiteSchema, { io: 'input' }) as Record<string, unknown>;
  return raw;
}

/**
 * JSON Schema (draft 2020-12) of the suite format, for editors (yaml-language-server) and other
 * tools; `evalbench schema` prints it. A fresh object on each call.
 */
export function suiteJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = structuredClone(rawSuiteJsonSchema()) as Record<string, unknown>;
  // zod cannot express the case refinement (a file entry, or an id with exactly one of
  // prompt/messages); editors can.
  const cases = (rest.properties as Record<string, { items?: Record<string, unknown> }> | undefined)?.cases;
  if (cases?.items) {
    cases.items.anyOf = [
      { required: ['file'] },
      { required: ['id', 'prompt'], not: { required: ['messages'] } },
      { required: ['id', 'messages'], not: { required: ['prompt'] } },
    ];
  }
  return {
    $schema,
    $id: SUITE_SCHEMA_ID,
    title: 'evalbench suite',
    description: 'A suite of prompts run against OpenAI-compatible chat-completions models (evalbench).',
    ...rest,
  };
}
