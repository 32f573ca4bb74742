import type { AssertionSpec } from '../../suite/schema.ts';
import type { AssertionType, FieldProblem, GradeContext, Verdict } from '../types.ts';
import { compileSchema, schemaErrors } from '../json-schema.ts';
import { extractJsonValues } from '../json-extract.ts';
import { show, snippet } from '../snippet.ts';
import { kind } from './spec-values.ts';

/**
 * is-json / json-schema: the whole answer (surrounding whitespace aside) must be JSON.
 * contains-json: some JSON object or list inside the answer (prose, ``` fences) will do.
 * A schema (`value`) is optional for is-json and contains-json, required for json-schema.
 */

function checkSchema(spec: AssertionSpec, suiteDir: string, required: boolean): FieldProblem[] {
  if (spec.value === undefined || spec.value === null) {
    return required ? [{ field: 'value', message: `${spec.type} needs a \`value\`: an inline JSON schema (a mapping) or the path of a schema file beside the suite` }] : [];
  }
  if (typeof spec.value !== 'string' && (typeof spec.value !== 'object' || Array.isArray(spec.value))) {
    return [{ field: 'value', message: `${spec.type}: \`value\` must be a JSON schema (a mapping) or a schema file path, got ${kind(spec.value)}` }];
  }
  try {
    compileSchema(spec.value, suiteDir);
    return [];
  } catch (e) {
    return [{ field: 'value', message: `${spec.type}: ${(e as Error).message}` }];
  }
}

function parseWhole(out: string): { ok: true; value: unknown } | { ok: false; why: string } {
  try {
    return { ok: true, value: JSON.parse(out) };
  } catch (e) {
    const fenced = /^```/.test(out) ? ' (the answer is wrapped in a ``` fence: contains-json accepts that)' : '';
    return { ok: false, why: `not JSON${fenced}: ${(e as Error).message}; output ${snippet(out)}` };
  }
}

function wholeJson(schemaRequired: boolean): AssertionType {
  return {
    validate: (spec, env) => checkSchema(spec, env.suiteDir, schemaRequired),
    grade(spec, ctx): Verdict {
      const out = ctx.output.trim();
      const schema = spec.value === undefined || spec.value === null ? undefined : compileSchema(spec.value, ctx.suiteDir);
      const expected = schema ? `output is JSON valid against ${schema.label}` : 'output is JSON';
      const parsed = parseWhole(out);
      if (!parsed.ok) return { pass: false, score: 0, expected, got: parsed.why };
      if (!schema) return { pass: true, score: 1, expected, got: `JSON ${show(parsed.value, 60)}` };
      const ok = schema.validate(parsed.value);
      return {
        pass: ok,
        score: ok ? 1 : 0,
        expected,
        got: ok ? `valid JSON ${show(parsed.value, 60)}` : `JSON that fails the schema: ${schemaErrors(schema.validate.errors)}; output ${snippet(out)}`,
      };
    },
  };
}

const containsJson: AssertionType = {
  validate: (spec, env) => checkSchema(spec, env.suiteDir, false),
  grade(spec, ctx: GradeContext): Verdict {
    const schema = spec.value === undefined || spec.value === null ? undefined : compileSchema(spec.value, ctx.suiteDir);
    const expected = schema ? `output contains JSON valid against ${schema.label}` : 'output contains JSON';
    const values = extractJsonValues(ctx.output);
    if (values.length === 0) return { pass: false, score: 0, expected, got: `no JSON object or list in ${snippet(ctx.output)}` };
    if (!schema) return { pass: true, score: 1, expected, got: `JSON ${show(values[0], 60)}` };
    let firstErrors = '';
    for (const v of values) {
      if (schema.validate(v)) return { pass: true, score: 1, expected, got: `valid JSON ${show(v, 60)}` };
      firstErrors ||= schemaErrors(schema.validate.errors);
    }
    const n = values.length === 1 ? 'the JSON found fails' : `none of the ${values.length} JSON values found pass`;
    return { pass: false, score: 0, expected, got: `${n} the schema: ${firstErrors}` };
  },
};

export const JSON_ASSERTIONS: Record<string, AssertionType> = {
  'is-json': wholeJson(false),
  'json-schema': wholeJson(true),
  'contains-json': containsJson,
};
