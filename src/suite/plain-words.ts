import { alternatives, type JsonSchemaNode } from './json-schema-path.ts';

/** What a schema node accepts, in words: "a number from 0 to 2", "one of `low` or `high`". */
export function describeExpected(node: JsonSchemaNode | undefined): string | undefined {
  if (!node) return undefined;
  if ('const' in node) return code(node.const);
  if (Array.isArray(node.enum)) return oneOf(node.enum.map(code));
  const alts = alternatives(node);
  if (alts) {
    const words = [...new Set(alts.map(describeExpected).filter((w): w is string => !!w))];
    return words.length ? words.join(' or ') : undefined;
  }
  switch (node.type) {
    case 'integer':
      return 'a whole number' + range(node);
    case 'number':
      return 'a number' + range(node);
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'string':
      return describeString(node);
    case 'array':
      return describeList(node);
    case 'object':
      return 'a mapping (key: value)';
    default:
      return undefined;
  }
}

/** A value as the user wrote it: `3`, `"hot"`, `a list of 5 items`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value === '' ? 'an empty string' : JSON.stringify(truncate(value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** `^[A-Za-z0-9_.-]+$` -> "letters, digits and _ . - only"; other patterns are shown as written. */
export function patternWords(pattern: string): string {
  const m = /^\^?\[([^\]]+)\][+*]\$?$/.exec(pattern.replace(/^\/|\/$/g, ''));
  if (!m) return `text matching ${pattern}`;
  let cls = m[1];
  const words: string[] = [];
  if (cls.includes('A-Z') || cls.includes('a-z')) words.push('letters');
  if (cls.includes('0-9')) words.push('digits');
  cls = cls.replace(/A-Z|a-z|0-9/g, '').replace(/\\/g, '');
  const chars = [...cls].join(' ');
  return (chars ? `${words.join(', ')} and ${chars}` : words.join(' and ')) + ' only';
}

export function code(v: unknown): string {
  return '`' + (typeof v === 'string' ? v : JSON.stringify(v)) + '`';
}

export function oneOf(items: string[]): string {
  if (items.length === 1) return items[0];
  return 'one of ' + items.slice(0, -1).join(', ') + ' or ' + items[items.length - 1];
}

function describeString(node: JsonSchemaNode): string {
  if (node.format === 'uri') return 'a URL such as https://api.example.com/v1';
  if (typeof node.pattern === 'string') {
    const words = patternWords(node.pattern);
    return words.startsWith('text matching') ? 'a string' : `a string of ${words}`;
  }
  if (node.minLength === 1) return 'a non-empty string';
  return 'a string' + count(node.minLength, node.maxLength, 'character');
}

/** "a non-empty list of strings", "a list of at most 4 strings", "a list of 1 to 3 items". */
function describeList(node: JsonSchemaNode): string {
  const items = isNode(node.items) ? node.items : {};
  const noun =
    items.type === 'string' ? 'string'
    : items.type === 'object' ? 'mapping'
    : items.type === 'number' || items.type === 'integer' ? 'number'
    : undefined;
  const lo = num(node.minItems);
  const hi = num(node.maxItems);
  if (lo === 1 && hi === undefined) return 'a non-empty list' + (noun ? ` of ${noun}s` : '');
  const bound = count(lo, hi, noun ?? 'item');
  return bound ? 'a list' + bound : 'a list' + (noun ? ` of ${noun}s` : '');
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function range(node: JsonSchemaNode): string {
  const lo = num(node.minimum);
  const hi = num(node.maximum);
  const xlo = num(node.exclusiveMinimum);
  const xhi = num(node.exclusiveMaximum);
  const hasHi = hi !== undefined && hi < MAX_SAFE;
  const hasLo = lo !== undefined && lo > -MAX_SAFE;
  if (hasLo && hasHi) return ` from ${lo} to ${hi}`;
  const parts: string[] = [];
  if (xlo !== undefined) parts.push(xlo === 0 ? 'greater than 0' : `greater than ${xlo}`);
  else if (hasLo) parts.push(`of at least ${lo}`);
  if (xhi !== undefined) parts.push(`less than ${xhi}`);
  else if (hasHi) parts.push(`of at most ${hi}`);
  return parts.length ? ' ' + parts.join(' and ') : '';
}

function count(min: unknown, max: unknown, noun: string): string {
  const lo = num(min);
  const hi = num(max);
  const n = (k: number) => `${k} ${noun}${k === 1 ? '' : 's'}`;
  if (lo !== undefined && lo > 0 && hi !== undefined) return ` of ${lo} to ${n(hi)}`;
  if (lo !== undefined && lo > 0) return ` of at least ${n(lo)}`;
  if (hi !== undefined) return ` of at most ${n(hi)}`;
  return '';
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function isNode(v: unknown): v is JsonSchemaNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function truncate(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
