import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { Ajv2019 } from 'ajv/dist/2019.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';

/**
 * JSON Schemas for assertions: inline (a mapping in the suite) or a file beside the suite
 * (.json, or .yaml/.yml). Compiled once and cached.
 */

// strict:false so schemas written for other tools (extra keywords, `format`s we do not check) still work.
const OPTIONS = { strict: false, allErrors: true, logger: false, addUsedSchema: false } as const;
let draft7: Ajv | undefined;
let draft2019: Ajv2019 | undefined;
let draft2020: Ajv2020 | undefined;

// Ajv is loaded on the first schema compiled, not when the CLI starts (it is CommonJS, so a
// synchronous require serves).
const load = createRequire(import.meta.url);

function ajvFor(schema: Record<string, unknown>): Ajv | Ajv2019 | Ajv2020 {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (dialect.includes('2020-12')) return (draft2020 ??= new (load('ajv/dist/2020.js').Ajv2020 as typeof Ajv2020)(OPTIONS));
  if (dialect.includes('2019-09')) return (draft2019 ??= new (load('ajv/dist/2019.js').Ajv2019 as typeof Ajv2019)(OPTIONS));
  return (draft7 ??= new (load('ajv').Ajv as typeof Ajv)(OPTIONS));
}

const inlineCache = new WeakMap<object, ValidateFunction>();
const fileCache = new Map<string, ValidateFunction>();

export interface CompiledSchema {
  validate: ValidateFunction;
  /** How reasons name the schema: `schema.json` or `inline schema`. */
  label: string;
}

export function schemaPath(value: string, suiteDir: string): string {
  return isAbsolute(value) ? value : resolve(suiteDir, value);
}

/** Throws with a plain message when the file is missing, unreadable, not JSON/YAML, or not a valid schema. */
export function compileSchema(value: unknown, suiteDir: string): CompiledSchema {
  if (typeof value === 'string') {
    const path = schemaPath(value, suiteDir);
    let fn = fileCache.get(path);
    if (!fn) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new Error(code === 'ENOENT' ? `schema file not found: ${path}` : `cannot read schema file ${path}: ${(e as Error).message}`);
      }
      let schema: unknown;
      try {
        schema = ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
      } catch (e) {
        throw new Error(`schema file ${path} is not valid ${extname(path).toLowerCase().startsWith('.y') ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
      }
      fn = compileObject(schema, `schema file ${path}`);
      fileCache.set(path, fn);
    }
    return { validate: fn, label: value };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('a JSON schema must be a mapping (inline) or a file path');
  }
  let fn = inlineCache.get(value);
  if (!fn) {
    fn = compileObject(value, 'inline schema');
    inlineCache.set(value, fn);
  }
  return { validate: fn, label: 'inline schema' };
}

function compileObject(schema: unknown, label: string): ValidateFunction {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new Error(`${label} is not a JSON schema (expected a mapping)`);
  }
  try {
    return ajvFor(schema as Record<string, unknown>).compile(schema);
  } catch (e) {
    throw new Error(`${label} is not a valid JSON schema: ${(e as Error).message}`);
  }
}

/** Ajv errors as one line: `/age must be integer; must have required property 'name'`. */
export function schemaErrors(errors: ErrorObject[] | null | undefined, max = 3): string {
  if (!errors?.length) return 'no details';
  const parts = errors.slice(0, max).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
  return parts.join('; ') + (errors.length > max ? `; and ${errors.length - max} more` : '');
}
