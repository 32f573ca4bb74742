import type { SeededRandom } from './seeded-random.ts';

/** What a generated value may borrow from the conversation. */
export interface ValueHints {
  /** Proper nouns of the prompt ("Paris", "New York"), used for string fields in order. */
  names: string[];
  /** The answer text, for the first string field that looks like the answer (json_schema answers). */
  answer?: string;
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
const ANSWER_FIELD = /^(answer|result|text|output|response|content|value|reply|summary)$/i;
/** Depth past which nested objects and arrays are left empty (a recursive schema stops here). */
const MAX_DEPTH = 4;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Capitalised words not opening a sentence, runs joined ("New York"): what a tool call's string argument likely names. */
export function properNouns(text: string): string[] {
  const out: string[] = [];
  const re = /(^|[.!?]\s+|\s)((?:[A-Z][\p{L}'-]+)(?:\s+[A-Z][\p{L}'-]+)*)/gu;
  for (const m of text.matchAll(re)) {
    const opensSentence = m.index === 0 || /[.!?]/.test(m[1]);
    let words = m[2].split(/\s+/);
    if (opensSentence) words = words.slice(1);
    const name = words.join(' ');
    if (name && name !== 'I' && !out.includes(name)) out.push(name);
  }
  return out;
}

function typeOf(schema: Record<string, unknown>): string {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return String(t.find((x) => x !== 'null') ?? 'null');
  if (isObject(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'string';
}

function numberIn(schema: Record<string, unknown>, rng: SeededRandom, integer: boolean): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : 0;
  const max = typeof schema.maximum === 'number' ? schema.maximum : min + 100;
  const x = min + rng.next() * Math.max(0, max - min);
  return integer ? Math.min(Math.floor(max), Math.max(Math.ceil(min), Math.round(x))) : Math.round(x * 100) / 100;
}

function stringFor(key: string, hints: ValueHints, rng: SeededRandom): string {
  if (hints.answer !== undefined && ANSWER_FIELD.test(key)) {
    const a = hints.answer;
    hints.answer = undefined;
    return a;
  }
  return hints.names.shift() ?? rng.pick(WORDS);
}

function objectValue(schema: Record<string, unknown>, hints: ValueHints, rng: SeededRandom, depth: number): Record<string, unknown> {
  const props = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : [];
  // Required fields first (they get the prompt's names), then the optional ones.
  const keys = [...required.filter((k) => k in props), ...Object.keys(props).filter((k) => !required.includes(k))];
  const out: Record<string, unknown> = {};
  if (depth >= MAX_DEPTH) return out;
  for (const k of keys) out[k] = schemaValue(props[k], hints, rng, depth + 1, k);
  return out;
}

/**
 * A value that fits common JSON schemas (type, properties, required, enum, const, items,
 * minimum/maximum, anyOf/oneOf: the first branch), seeded; `hints` fill strings from the prompt.
 * Best effort: pattern, format and length limits are not honoured.
 */
export function schemaValue(schema: unknown, hints: ValueHints, rng: SeededRandom, depth = 0, key = ''): unknown {
  if (!isObject(schema)) return stringFor(key, hints, rng);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return rng.pick(schema.enum);
  const branch = Array.isArray(schema.anyOf) ? schema.anyOf[0] : Array.isArray(schema.oneOf) ? schema.oneOf[0] : undefined;
  if (branch !== undefined) return schemaValue(branch, hints, rng, depth, key);
  switch (typeOf(schema)) {
    case 'object':
      return objectValue(schema, hints, rng, depth);
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
      return depth >= MAX_DEPTH ? [] : Array.from({ length: Math.max(min, 1) }, () => schemaValue(schema.items, hints, rng, depth + 1, key));
    }
    case 'integer':
      return numberIn(schema, rng, true);
    case 'number':
      return numberIn(schema, rng, false);
    case 'boolean':
      return rng.next() < 0.5;
    case 'null':
      return null;
    default:
      return stringFor(key, hints, rng);
  }
}
