import { isDeepStrictEqual } from 'node:util';
import type { AssertionSpec } from '../../suite/schema.ts';
import type { AssertionType, FieldProblem, Verdict } from '../types.ts';
import { show, snippet } from '../snippet.ts';
import { field, isScalar, kind, needNumber, needString, needStringList } from './spec-values.ts';

/** Text assertions. Surrounding whitespace of the answer is ignored where noted (models add newlines). */

function verdict(pass: boolean, expected: string, got: string): Verdict {
  return { pass, score: pass ? 1 : 0, expected, got };
}

const strings = (spec: AssertionSpec): string[] => (spec.value as unknown[]).map(String);

const equals: AssertionType = {
  inline: true,
  templated: true,
  validate(spec) {
    if (spec.value === undefined || spec.value === null) return [{ field: 'value', message: 'equals needs a `value` (text, or a mapping/list compared as JSON)' }];
    return [];
  },
  grade(spec, ctx) {
    const out = ctx.output.trim();
    if (isScalar(spec.value)) {
      const want = String(spec.value).trim();
      return verdict(out === want, `output equals ${snippet(want)}`, snippet(out));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(out);
    } catch {
      return verdict(false, `output is JSON equal to ${show(spec.value)}`, `not JSON: ${snippet(out)}`);
    }
    return verdict(isDeepStrictEqual(parsed, spec.value), `output is JSON equal to ${show(spec.value)}`, show(parsed));
  },
};

function containsType(ignoreCase: boolean): AssertionType {
  return {
    inline: true,
    templated: true,
    validate: (spec) => needString(spec, 'the text to look for'),
    grade(spec, ctx) {
      const want = String(spec.value);
      const i = ignoreCase ? ctx.output.toLowerCase().indexOf(want.toLowerCase()) : ctx.output.indexOf(want);
      const how = ignoreCase ? ' (ignoring case)' : '';
      return verdict(
        i >= 0,
        `output contains ${snippet(want)}${how}`,
        i >= 0 ? `found at character ${i} of ${snippet(ctx.output)}` : `not found in ${snippet(ctx.output)}`,
      );
    },
  };
}

function containsSome(mode: 'any' | 'all', ignoreCase: boolean): AssertionType {
  return {
    inline: true,
    templated: true,
    validate: needStringList,
    grade(spec, ctx) {
      const norm = (s: string) => (ignoreCase ? s.toLowerCase() : s);
      const out = norm(ctx.output);
      const wants = strings(spec);
      const found = wants.filter((w) => out.includes(norm(w)));
      const missing = wants.filter((w) => !out.includes(norm(w)));
      const pass = mode === 'any' ? found.length > 0 : missing.length === 0;
      const how = ignoreCase ? ' (ignoring case)' : '';
      const list = (xs: string[]) => xs.map((x) => snippet(x, 40)).join(', ');
      const got = pass
        ? `found ${list(found)}`
        : mode === 'any'
          ? `none found in ${snippet(ctx.output)}`
          : `missing ${list(missing)} in ${snippet(ctx.output)}`;
      return verdict(pass, `output contains ${mode} of ${list(wants)}${how}`, got);
    },
  };
}

const startsWith: AssertionType = {
  inline: true,
  templated: true,
  validate: (spec) => needString(spec, 'the text the answer starts with'),
  grade(spec, ctx) {
    const want = String(spec.value);
    const out = ctx.output.trimStart();
    return verdict(out.startsWith(want), `output starts with ${snippet(want)}`, snippet(out, 60));
  },
};

function compileRegex(spec: AssertionSpec): RegExp {
  const flags = field(spec, 'flags');
  return new RegExp(String(spec.value), typeof flags === 'string' ? flags : undefined);
}

const regex: AssertionType = {
  templated: true,
  validate(spec) {
    const problems = needString(spec, 'a regular expression (JavaScript syntax)');
    if (problems.length) return problems;
    const flags = field(spec, 'flags');
    if (flags !== undefined && typeof flags !== 'string') return [{ field: 'flags', message: `regex: \`flags\` must be text like "i" or "ms", got ${kind(flags)}` }];
    try {
      compileRegex(spec);
    } catch (e) {
      return [{ field: typeof flags === 'string' && /flag/i.test(String(e)) ? 'flags' : 'value', message: `regex: bad regular expression ${show(spec.value)}: ${(e as Error).message}` }];
    }
    return [];
  },
  grade(spec, ctx) {
    const re = compileRegex(spec);
    const m = re.exec(ctx.output);
    return verdict(m !== null, `output matches /${re.source}/${re.flags}`, m ? `matched ${snippet(m[0], 60)} in ${snippet(ctx.output)}` : `no match in ${snippet(ctx.output)}`);
  },
};

function lengthBounds(spec: AssertionSpec): { min?: number; max?: number } {
  const v = spec.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    return { min: o.min as number | undefined, max: o.max as number | undefined };
  }
  return { min: field(spec, 'min') as number | undefined, max: field(spec, 'max') as number | undefined };
}

const length: AssertionType = {
  inline: true,
  validate(spec) {
    const inValue = spec.value !== null && typeof spec.value === 'object' && !Array.isArray(spec.value);
    if (spec.value !== undefined && !inValue) {
      return [{ field: 'value', message: `length takes \`min\` and/or \`max\` (characters), either as keys of the assertion or as \`value: {min, max}\`; got \`value\` ${kind(spec.value)}` }];
    }
    const b = lengthBounds(spec);
    const holder = { type: 'length', ...b } as AssertionSpec;
    const where = inValue ? 'value' : undefined;
    const problems: FieldProblem[] = [
      ...needNumber(holder, 'min', 0, Infinity, false, 'fewest characters'),
      ...needNumber(holder, 'max', 0, Infinity, false, 'most characters'),
    ].map((p) => ({ ...p, field: where ?? p.field }));
    if (b.min === undefined && b.max === undefined) problems.push({ field: where ?? 'max', message: 'length needs `min` and/or `max` (characters)' });
    if (!problems.length && b.min !== undefined && b.max !== undefined && b.min > b.max) problems.push({ field: where ?? 'min', message: `length: \`min\` (${b.min}) is more than \`max\` (${b.max})` });
    return problems;
  },
  grade(spec, ctx) {
    const { min, max } = lengthBounds(spec);
    // Characters as a reader counts them: code points, not UTF-16 units; surrounding whitespace ignored.
    const n = [...ctx.output.trim()].length;
    const pass = (min === undefined || n >= min) && (max === undefined || n <= max);
    const range = min !== undefined && max !== undefined ? `${min}..${max}` : min !== undefined ? `>= ${min}` : `<= ${max}`;
    return verdict(pass, `output length ${range} characters`, `${n} characters`);
  },
};

export const TEXT_ASSERTIONS: Record<string, AssertionType> = {
  equals,
  contains: containsType(false),
  icontains: containsType(true),
  'contains-any': containsSome('any', false),
  'contains-all': containsSome('all', false),
  'icontains-any': containsSome('any', true),
  'icontains-all': containsSome('all', true),
  'starts-with': startsWith,
  regex,
  length,
};
