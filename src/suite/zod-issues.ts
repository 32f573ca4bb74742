import { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import type { PathSegment } from './issue-path.ts';
import { valueAt, type JsonSchemaPath } from './json-schema-path.ts';
import { code, describeExpected, describeValue, oneOf, patternWords } from './plain-words.ts';

/** A problem found in the data, before it is given a file position. */
export interface RawIssue {
  path: PathSegment[];
  message: string;
  /** Point at the key rather than the value (unknown keys, bad record keys). */
  at?: 'key';
}

type ZodIssue = z.core.$ZodIssue;

/**
 * Parse options that blank zod's default messages so the ones written in the schema
 * (`.regex(re, 'letters, digits ...')`, refine messages) can be told apart and kept.
 */
export const KEEP_CUSTOM_MESSAGES = { error: () => '' } as const;

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
};

/** Turns zod issues into plain-words messages: what was expected, what was found. */
export function explainZodIssues(issues: readonly ZodIssue[], data: unknown, schema: JsonSchemaPath): RawIssue[] {
  const out: RawIssue[] = [];
  for (const issue of issues) explain(issue, [], data, schema, out);
  return out;
}

function explain(issue: ZodIssue, base: PathSegment[], data: unknown, schema: JsonSchemaPath, out: RawIssue[]): void {
  const path = [...base, ...issue.path.filter((s): s is PathSegment => typeof s !== 'symbol')];
  const value = valueAt(data, path);
  const got = describeValue(value);
  const expectedHere = () => describeExpected(schema.at(path, data));
  const expectedNarrow = () => {
    const node = schema.at(path, data);
    return describeExpected(node && schema.narrow(node, value));
  };

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = schema.allowedKeys(path, data);
      for (const key of issue.keys) {
        const hint = didYouMean(key, allowed);
        const message = hint
          ? `unknown key \`${key}\`; did you mean \`${hint}\`?`
          : `unknown key \`${key}\`` + (allowed.length ? `; allowed keys: ${allowed.join(', ')}` : '');
        out.push({ path: [...path, key], message, at: 'key' });
      }
      return;
    }
    case 'invalid_type': {
      const expected = expectedHere() ?? TYPE_WORDS[issue.expected] ?? issue.expected;
      if (value === undefined && path.length > 0) {
        out.push({ path, message: `missing required key \`${path[path.length - 1]}\`: expected ${expected}` });
        return;
      }
      const quote =
        issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')
          ? ` (quote it: "${String(value)}")`
          : '';
      out.push({ path, message: `expected ${expected}, got ${got}${quote}` });
      return;
    }
    case 'too_big':
    case 'too_small': {
      const expected = expectedNarrow() ?? boundWords(issue);
      out.push({ path, message: `expected ${expected}, got ${got}` });
      return;
    }
    case 'invalid_format': {
      const expected = issue.message
        ? issue.message
        : issue.format === 'regex' && 'pattern' in issue && typeof issue.pattern === 'string'
          ? patternWords(issue.pattern)
          : issue.format === 'url'
            ? 'a URL such as https://api.example.com/v1'
            : `a valid ${issue.format}`;
      out.push({ path, message: `expected ${expected}, got ${got}` });
      return;
    }
    case 'invalid_value': {
      const strings = issue.values.filter((v): v is string => typeof v === 'string');
      const hint = typeof value === 'string' ? didYouMean(value, strings) : undefined;
      out.push({
        path,
        message: `expected ${oneOf(issue.values.map(code))}, got ${got}` + (hint ? `; did you mean ${code(hint)}?` : ''),
      });
      return;
    }
    case 'invalid_union': {
      if ('options' in issue && Array.isArray(issue.options) && issue.discriminator !== undefined) {
        // Discriminated union: the path already points at the discriminator (e.g. `type`).
        const options = issue.options.filter((v): v is string => typeof v === 'string');
        const hint = typeof value === 'string' ? didYouMean(value, options) : undefined;
        const noun = value === undefined ? `missing required key \`${issue.discriminator}\`: expected` : 'expected';
        out.push({
          path,
          message: `${noun} ${oneOf(issue.options.map(code))}` + (value === undefined ? '' : `, got ${got}`) +
            (hint ? `; did you mean ${code(hint)}?` : ''),
        });
        return;
      }
      explainUnion(issue.errors, path, data, schema, out, () => `expected ${expectedHere() ?? 'another value'}, got ${got}`);
      return;
    }
    case 'invalid_key': {
      const key = path[path.length - 1];
      const inner = issue.issues[0];
      let why = 'a different name';
      if (inner?.code === 'invalid_format') {
        why = inner.message || (inner.format === 'regex' && 'pattern' in inner && typeof inner.pattern === 'string'
          ? patternWords(inner.pattern)
          : `a valid ${inner.format}`);
      }
      out.push({ path, message: `invalid name \`${String(key)}\`: expected ${why}`, at: 'key' });
      return;
    }
    case 'custom':
      out.push({ path, message: issue.message || 'invalid value' });
      return;
    default:
      out.push({ path, message: issue.message || fallbackMessage(issue) });
  }
}

/**
 * A union failed. When every branch failed on the type of the value itself, say what the union
 * accepts; otherwise the branch that got furthest (matched the type, fewest problems) explains.
 */
function explainUnion(
  branches: readonly (readonly ZodIssue[])[],
  path: PathSegment[],
  data: unknown,
  schema: JsonSchemaPath,
  out: RawIssue[],
  typeMismatch: () => string,
): void {
  const typed = branches.filter((b) => b.length > 0 && !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (typed.length === 0) {
    out.push({ path, message: typeMismatch() });
    return;
  }
  const best = typed.reduce((a, b) => (b.length < a.length ? b : a));
  for (const issue of best) explain(issue, path, data, schema, out);
}

function boundWords(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): string {
  const big = issue.code === 'too_big';
  const bound = Number(big ? issue.maximum : issue.minimum);
  const cmp = big ? (issue.inclusive ? 'at most' : 'less than') : issue.inclusive ? 'at least' : 'greater than';
  if (issue.origin === 'array') return `a list of ${cmp} ${bound} items`;
  if (issue.origin === 'string') return `a string of ${cmp} ${bound} characters`;
  return `a value ${cmp} ${bound}`;
}

function fallbackMessage(issue: ZodIssue): string {
  try {
    const res = z.locales.en().localeError(issue as never);
    const text = typeof res === 'string' ? res : res?.message;
    if (text) return text;
  } catch {
    // the locale needs fields this issue lacks: fall through
  }
  return `invalid value (${issue.code})`;
}
