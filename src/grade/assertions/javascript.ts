import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AssertionSpec } from '../../suite/schema.ts';
import type { AssertionType, GradeContext, Verdict } from '../types.ts';
import { GradingError } from '../grading-error.ts';
import { extractCode } from '../extract-code.ts';
import { runInSandbox } from '../run-in-sandbox.ts';
import { field, kind, needNumber } from './spec-values.ts';

/**
 * `javascript`: the user's own grader, a file beside the suite exporting a function
 * `(output, context) => boolean | number | {pass, score?, reason?}` (or a promise of one).
 * `value` is `file.js` (default export) or `file.js:name` (a named export). Loaded with import(),
 * never by evaluating text from the suite.
 */

export interface JavascriptGraderContext {
  vars: Record<string, unknown>;
  caseId: string;
  model: string;
  reasoning: string;
  finishReason: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  costUsd: number | null;
  suiteDir: string;
  /** The assertion's other keys (everything but type, value, weight), for graders that take options. */
  config: Record<string, unknown>;
  /** For code answers: pull the code out of the answer, then call its function on test inputs. */
  sandbox: { run: typeof runInSandbox; extractCode: typeof extractCode };
}

export type GraderReturn = boolean | number | { pass?: boolean; score?: number; reason?: string };
export type GraderFn = (output: string, context: JavascriptGraderContext) => GraderReturn | Promise<GraderReturn>;

export interface GraderRef {
  file: string;
  exportName?: string;
}

/** `file.js:name` -> file + export. Only a trailing identifier counts, so `C:\x\g.js` stays a path. */
export function parseGraderRef(value: string): GraderRef {
  const m = /^(.+):([A-Za-z_$][A-Za-z0-9_$]*)$/.exec(value);
  return m ? { file: m[1], exportName: m[2] } : { file: value };
}

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** Imports the grader file once per path and picks the function. Throws a plain message when it cannot. */
export async function loadGrader(value: string, suiteDir: string): Promise<GraderFn> {
  const ref = parseGraderRef(value);
  const path = isAbsolute(ref.file) ? ref.file : resolve(suiteDir, ref.file);
  let mod = modules.get(path);
  if (!mod) {
    mod = import(pathToFileURL(path).href) as Promise<Record<string, unknown>>;
    modules.set(path, mod);
    mod.catch(() => modules.delete(path));
  }
  const m = await mod;
  const def = m.default as Record<string, unknown> | GraderFn | undefined;
  let fn: unknown;
  if (ref.exportName) {
    fn = m[ref.exportName] ?? (def && typeof def === 'object' ? def[ref.exportName] : undefined);
    if (typeof fn !== 'function') throw new Error(`${ref.file} exports no function named ${ref.exportName}`);
  } else {
    const named = Object.entries(m).filter(([k, v]) => k !== 'default' && typeof v === 'function');
    fn = typeof def === 'function' ? def : named.length === 1 ? named[0][1] : undefined;
    if (typeof fn !== 'function') {
      throw new Error(`${ref.file} has no default export function${named.length > 1 ? ` (it exports ${named.map(([k]) => k).join(', ')}: name one as ${ref.file}:${named[0][0]})` : ''}`);
    }
  }
  return fn as GraderFn;
}

function looksLikeCode(v: string): boolean {
  return /[\n;{}]|=>|\breturn\b|\(.*\)/.test(v);
}

function graderContext(spec: AssertionSpec, ctx: GradeContext): JavascriptGraderContext {
  const { type: _t, value: _v, weight: _w, ...config } = spec;
  return {
    vars: ctx.vars, caseId: ctx.caseId, model: ctx.model, reasoning: ctx.reasoning, finishReason: ctx.finishReason,
    latencyMs: ctx.latencyMs, ttftMs: ctx.ttftMs, costUsd: ctx.costUsd, suiteDir: ctx.suiteDir,
    config, sandbox: { run: runInSandbox, extractCode },
  };
}

/** Reads what a grader returned. A number is a score; it passes at `threshold` (default 0.5). */
export function interpretGraderReturn(r: unknown, threshold: number | undefined): { pass: boolean; score: number; reason?: string } {
  const cut = threshold ?? 0.5;
  const checkScore = (s: unknown) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1) {
      throw new GradingError('GRADER_INVALID_RESULT', `grader returned score ${JSON.stringify(s)}: a score must be a number from 0 to 1`);
    }
    return s;
  };
  if (typeof r === 'boolean') return { pass: r, score: r ? 1 : 0 };
  if (typeof r === 'number') {
    const score = checkScore(r);
    return { pass: score >= cut, score };
  }
  if (r !== null && typeof r === 'object' && !Array.isArray(r)) {
    const o = r as Record<string, unknown>;
    if (o.pass !== undefined && typeof o.pass !== 'boolean') throw new GradingError('GRADER_INVALID_RESULT', `grader returned pass ${JSON.stringify(o.pass)}: \`pass\` must be true or false`);
    if (o.pass === undefined && o.score === undefined) throw new GradingError('GRADER_INVALID_RESULT', 'grader returned an object with neither `pass` nor `score`');
    const score = o.score === undefined ? (o.pass ? 1 : 0) : checkScore(o.score);
    const pass = typeof o.pass === 'boolean' ? o.pass : score >= cut;
    return { pass, score, reason: o.reason === undefined ? undefined : String(o.reason) };
  }
  throw new GradingError('GRADER_INVALID_RESULT', `grader returned ${kind(r)}: expected true/false, a score 0..1, or {pass, score, reason}`);
}

const javascript: AssertionType = {
  timeoutKind: 'code',
  validate(spec, env) {
    const v = spec.value;
    if (typeof v !== 'string' || v === '') {
      return [{ field: 'value', message: `javascript needs a \`value\`: the path of a file exporting a grader function (file.js or file.js:functionName), got ${kind(v)}` }];
    }
    const ref = parseGraderRef(v);
    const path = isAbsolute(ref.file) ? ref.file : resolve(env.suiteDir, ref.file);
    if (!existsSync(path)) {
      return [{
        field: 'value',
        message: looksLikeCode(v)
          ? 'javascript takes the path of a file exporting a grader function (file.js or file.js:functionName), never inline code'
          : `javascript grader file not found: ${path}`,
      }];
    }
    if (!statSync(path).isFile()) return [{ field: 'value', message: `javascript grader is not a file: ${path}` }];
    return needNumber(spec, 'threshold', 0, 1, false, 'the score a numeric grader result needs to pass');
  },
  async grade(spec, ctx): Promise<Verdict> {
    const value = String(spec.value);
    const fn = await loadGrader(value, ctx.suiteDir);
    const r = interpretGraderReturn(await fn(ctx.output, graderContext(spec, ctx)), field(spec, 'threshold') as number | undefined);
    return {
      pass: r.pass,
      score: r.score,
      expected: `javascript grader ${value} passes`,
      got: `${r.pass ? 'pass' : 'fail'} (score ${r.score.toFixed(2)})${r.reason ? `: ${r.reason}` : ''}`,
    };
  },
};

export const JAVASCRIPT_ASSERTIONS: Record<string, AssertionType> = { javascript };
