import { basename, extname } from 'node:path';
import { findPlaceholders, substituteVars, type VarValue } from '../placeholders.ts';
import { CASE_ID, CASE_ID_RULE, type AssertionSpec, type CaseEntry, type SuiteCase } from '../schema.ts';
import type { DatasetRow } from './read-rows.ts';


/** Every `{{name}}` in the texts of an entry (id, prompt, system, messages, assertion values). */
export function entryPlaceholders(entry: CaseEntry, defaultSystem: string | undefined): string[] {
  const texts: string[] = [];
  if (entry.id !== undefined) texts.push(entry.id);
  if (entry.prompt !== undefined) texts.push(entry.prompt);
  const system = entry.system ?? (hasSystemMessage(entry) ? undefined : defaultSystem);
  if (system !== undefined) texts.push(system);
  for (const m of entry.messages ?? []) {
    if (typeof m.content === 'string') texts.push(m.content);
    else for (const p of m.content ?? []) if (p.type === 'text') texts.push(p.text);
    for (const t of m.tool_calls ?? []) texts.push(t.function.arguments);
  }
  for (const a of entry.assert ?? []) collectStrings(a.value, texts);
  return [...new Set(texts.flatMap(findPlaceholders))];
}

function hasSystemMessage(entry: CaseEntry): boolean {
  return (entry.messages ?? []).some((m) => m.role === 'system' || m.role === 'developer');
}

/** The case a row makes, or what is wrong with the row (one message per problem). */
export function rowToCase(
  entry: CaseEntry, row: DatasetRow, stem: string, placeholders: readonly string[],
): { case: SuiteCase } | { problems: string[] } {
  const vars: Record<string, VarValue> = { ...entry.vars };
  for (const [k, v] of Object.entries(row.values)) vars[k] = toVar(v);
  const problems: string[] = [];
  const names = Object.keys(vars);
  const rowPrompt = entry.prompt === undefined && entry.messages === undefined ? row.values.prompt : undefined;
  if (entry.prompt === undefined && entry.messages === undefined && typeof rowPrompt !== 'string') {
    problems.push('no prompt: the entry sets neither `prompt` nor `messages`, and the row has no `prompt` column');
  }
  const wanted = typeof rowPrompt === 'string' ? [...placeholders, ...findPlaceholders(rowPrompt)] : placeholders;
  for (const name of new Set(wanted)) {
    if (!Object.hasOwn(vars, name)) {
      problems.push(`placeholder \`{{${name}}}\` has no value: the row has no \`${name}\` column (columns: ${names.join(', ') || 'none'})`);
    }
  }
  const id = entry.id !== undefined ? substituteVars(entry.id, vars) : typeof row.values.id === 'string' || typeof row.values.id === 'number' ? String(row.values.id) : `${stem}-${row.row}`;
  if (problems.length === 0 && !CASE_ID.test(id)) problems.push(`case id \`${id}\` is not usable: ${CASE_ID_RULE}`);
  const threshold = entry.threshold ?? toThreshold(row.values.threshold, problems);
  if (problems.length > 0) return { problems };

  const { file: _file, sample: _sample, id: _id, ...fields } = entry;
  const c: SuiteCase = { ...fields, id, vars };
  if (typeof rowPrompt === 'string') c.prompt = rowPrompt;
  const tags = entry.tags ?? toTags(row.values.tags);
  if (tags) c.tags = tags;
  if (threshold !== undefined) c.threshold = threshold;
  if (entry.assert) c.assert = fillAssertions(entry.assert, vars);
  return { case: c };
}

/** A safe case-id stem from a file name: `data/capitals.csv` -> `capitals`. */
export function fileStem(file: string): string {
  return basename(file, extname(file)).replace(/[^A-Za-z0-9_.:-]/g, '_') || 'row';
}

/** Assertions with `{{name}}` placeholders in their (nested) string values filled from vars. */
export function fillAssertions(specs: readonly AssertionSpec[], vars: Readonly<Record<string, VarValue>> | undefined): AssertionSpec[] {
  if (!vars || Object.keys(vars).length === 0) return [...specs];
  return specs.map((a) => (a.value === undefined ? a : { ...a, value: fillDeep(a.value, vars) }));
}

/** Values without placeholders keep their identity (compiled schemas are cached by object). */
function fillDeep(v: unknown, vars: Readonly<Record<string, VarValue>>): unknown {
  if (typeof v === 'string') return substituteVars(v, vars);
  if (!hasPlaceholder(v)) return v;
  if (Array.isArray(v)) return v.map((x) => fillDeep(x, vars));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillDeep(x, vars)]));
  return v;
}

function hasPlaceholder(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('{{');
  if (Array.isArray(v)) return v.some(hasPlaceholder);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(hasPlaceholder);
  return false;
}

function collectStrings(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) collectStrings(x, out);
}

/** Scalars as they are; null as ''; lists and objects as JSON text. */
function toVar(v: unknown): VarValue {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

/** A `tags` column: a list, or text split on commas. */
function toTags(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string' && v.trim() !== '') return v.split(',').map((t) => t.trim()).filter(Boolean);
  return undefined;
}

function toThreshold(v: unknown, problems: string[]): number | undefined {
  if (v === undefined || v === '' || v === null) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    problems.push(`\`threshold\` column must be a number from 0 to 1, got \`${String(v)}\``);
    return undefined;
  }
  return n;
}

