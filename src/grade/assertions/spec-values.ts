import type { AssertionSpec } from '../../suite/schema.ts';
import type { FieldProblem } from '../types.ts';

/** Shared checks of spec fields, worded for the person who wrote the suite. */

export function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

export function needString(spec: AssertionSpec, what: string): FieldProblem[] {
  if (spec.value === undefined) return [{ field: 'value', message: `${spec.type} needs a \`value\`: ${what}` }];
  if (typeof spec.value === 'number') return [];
  if (typeof spec.value !== 'string') return [{ field: 'value', message: `${spec.type} needs a \`value\` that is ${what}, got ${kind(spec.value)}` }];
  if (spec.value === '') return [{ field: 'value', message: `${spec.type} needs a non-empty \`value\`` }];
  return [];
}

export function needStringList(spec: AssertionSpec): FieldProblem[] {
  const v = spec.value;
  if (!Array.isArray(v) || v.length === 0) {
    return [{ field: 'value', message: `${spec.type} needs a \`value\` that is a non-empty list of strings, got ${kind(v)}` }];
  }
  const bad = v.findIndex((x) => !(typeof x === 'string' || typeof x === 'number') || x === '');
  return bad >= 0 ? [{ field: 'value', message: `${spec.type}: item ${bad} of \`value\` must be a non-empty string` }] : [];
}

/** A number field (`value` or another key) within [min, max]; `required` when the type cannot work without it. */
export function needNumber(spec: AssertionSpec, field: string, min: number, max: number, required: boolean, what: string): FieldProblem[] {
  const v = (spec as Record<string, unknown>)[field];
  if (v === undefined) return required ? [{ field, message: `${spec.type} needs \`${field}\`: ${what}` }] : [];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    const range = max === Infinity ? `>= ${min}` : `between ${min} and ${max}`;
    return [{ field, message: `${spec.type}: \`${field}\` must be a number ${range} (${what}), got ${JSON.stringify(v)}` }];
  }
  return [];
}

export function kind(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

export function field(spec: AssertionSpec, name: string): unknown {
  return (spec as Record<string, unknown>)[name];
}
