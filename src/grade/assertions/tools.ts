import type { AssertionSpec } from '../../suite/schema.ts';
import type { AssertionType, FieldProblem, GradeContext, Verdict } from '../types.ts';
import { compileSchema, schemaErrors } from '../json-schema.ts';
import { show, snippet } from '../snippet.ts';
import { kind } from './spec-values.ts';

/**
 * tool-call: the answer called a function. `value` is the function name, or a mapping with
 * `name`, `arguments` (a partial object the arguments must contain) and/or `schema` (a JSON
 * schema the arguments must pass, inline or a file). Any one call matching is enough.
 *
 * is-valid-json-schema-output: the answer is JSON valid against the request's
 * `response_format.json_schema.schema` (or the schema in `value`, which wins).
 */

interface ToolCallSpec { name?: string; arguments?: unknown; schema?: unknown }

function toolSpec(spec: AssertionSpec): ToolCallSpec {
  return typeof spec.value === 'string' ? { name: spec.value } : (spec.value as ToolCallSpec);
}

function validateToolCall(spec: AssertionSpec, suiteDir: string): FieldProblem[] {
  const v = spec.value;
  if (typeof v === 'string' && v !== '') return [];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return [{ field: 'value', message: `${spec.type} needs a \`value\`: a function name, or a mapping of name, arguments (partial object) and/or schema; got ${kind(v)}` }];
  }
  const extra = Object.keys(v).filter((k) => !['name', 'arguments', 'schema'].includes(k));
  if (extra.length > 0) return [{ field: 'value', message: `${spec.type}: unknown key ${extra.map((k) => `\`${k}\``).join(', ')}; use name, arguments, schema` }];
  const s = v as ToolCallSpec;
  if (s.schema !== undefined) {
    try {
      compileSchema(s.schema, suiteDir);
    } catch (e) {
      return [{ field: 'value', message: `${spec.type}: ${(e as Error).message}` }];
    }
  }
  return [];
}

/** Why one call does not match, or null when it does. */
function mismatch(call: NonNullable<GradeContext['toolCalls']>[number], s: ToolCallSpec, suiteDir: string): string | null {
  if (s.name !== undefined && call.name !== s.name) return `called \`${call.name ?? '?'}\``;
  if (s.arguments === undefined && s.schema === undefined) return null;
  let args: unknown;
  try {
    args = JSON.parse(call.arguments || '{}');
  } catch {
    return `\`${call.name ?? '?'}\` arguments are not JSON: ${snippet(call.arguments)}`;
  }
  if (s.arguments !== undefined && !containsPartial(args, s.arguments)) return `\`${call.name ?? '?'}\` with ${show(args, 80)}`;
  if (s.schema !== undefined) {
    const schema = compileSchema(s.schema, suiteDir);
    if (!schema.validate(args)) return `\`${call.name ?? '?'}\` arguments fail ${schema.label}: ${schemaErrors(schema.validate.errors)}`;
  }
  return null;
}

/** Every key of `want` is in `got` with a matching value (objects recursively; lists item by item). */
export function containsPartial(got: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((w, i) => containsPartial(got[i], w));
  if (typeof want === 'object' && want !== null) {
    if (typeof got !== 'object' || got === null || Array.isArray(got)) return false;
    return Object.entries(want).every(([k, w]) => Object.hasOwn(got, k) && containsPartial((got as Record<string, unknown>)[k], w));
  }
  return got === want;
}

const toolCall: AssertionType = {
  validate: (spec, env) => validateToolCall(spec, env.suiteDir),
  grade(spec, ctx): Verdict {
    const s = toolSpec(spec);
    const parts = [s.name ? `\`${s.name}\`` : 'a function', s.arguments !== undefined ? `with ${show(s.arguments, 60)}` : '', s.schema !== undefined ? 'arguments valid against the schema' : ''];
    const expected = `a tool call to ${parts.filter(Boolean).join(', ')}`;
    const calls = ctx.toolCalls ?? [];
    if (calls.length === 0) return { pass: false, score: 0, expected, got: `no tool call; output ${snippet(ctx.output)}` };
    const why = calls.map((c) => mismatch(c, s, ctx.suiteDir));
    const hit = why.indexOf(null);
    if (hit >= 0) return { pass: true, score: 1, expected, got: `\`${calls[hit].name}\` ${snippet(calls[hit].arguments, 80)}` };
    return { pass: false, score: 0, expected, got: why.join('; ') };
  },
};

const jsonSchemaOutput: AssertionType = {
  validate(spec, env) {
    if (spec.value === undefined || spec.value === null) return [];
    try {
      compileSchema(spec.value, env.suiteDir);
      return [];
    } catch (e) {
      return [{ field: 'value', message: `${spec.type}: ${(e as Error).message}` }];
    }
  },
  grade(spec, ctx): Verdict {
    const rf = ctx.responseFormat;
    const fromRequest = rf?.type === 'json_schema' ? rf.json_schema.schema : undefined;
    const source = spec.value ?? fromRequest;
    if (source === undefined || source === null) {
      throw new Error(`${spec.type} needs a schema: set response_format { type: json_schema, json_schema: { schema } } on the case, or a \`value\``);
    }
    const schema = compileSchema(source, ctx.suiteDir);
    const expected = `output is JSON valid against ${spec.value === undefined ? 'the response_format schema' : schema.label}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(ctx.output.trim());
    } catch (e) {
      return { pass: false, score: 0, expected, got: `not JSON: ${(e as Error).message}; output ${snippet(ctx.output)}` };
    }
    const ok = schema.validate(parsed);
    return { pass: ok, score: ok ? 1 : 0, expected, got: ok ? `valid JSON ${show(parsed, 60)}` : `JSON that fails the schema: ${schemaErrors(schema.validate.errors)}` };
  },
};

export const TOOL_ASSERTIONS: Record<string, AssertionType> = {
  'tool-call': toolCall,
  'is-valid-json-schema-output': jsonSchemaOutput,
};
