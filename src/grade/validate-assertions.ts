import type { AssertionSpec } from '../suite/schema.ts';
import { didYouMean } from '../suite/did-you-mean.ts';
import type { AssertionProblem, ValidateEnv } from './types.ts';
import { ASSERTIONS, ASSERTION_TYPES, NOT_PREFIX, splitType } from './assertions/index.ts';
import { sharedGradePool, type GradePool } from './workers/grade-pool.ts';

export interface ValidateAssertionsOptions {
  /** The suite's `grading.judge` (`provider:model`), needed by llm-rubric. */
  judge?: string;
  /** The suite's `providers` block: a judge on one of them (or a preset, or sim) is accepted. */
  suiteProviders?: Record<string, unknown>;
}

/**
 * Checks assertion specs before any request: unknown types (with a did-you-mean), missing or
 * ill-typed values, bad regexes, missing/invalid schema and grader files, llm-rubric without a
 * usable judge. Returns problems by spec index; the suite loader turns them into file:line errors.
 */
export function validateAssertions(
  specs: AssertionSpec[],
  suiteDir: string,
  knownModels: string[],
  options: ValidateAssertionsOptions = {},
): AssertionProblem[] {
  const env: ValidateEnv = { suiteDir, knownModels, judge: options.judge, suiteProviders: options.suiteProviders };
  const problems: AssertionProblem[] = [];
  specs.forEach((spec, index) => {
    if (typeof spec?.type !== 'string' || spec.type === '') {
      problems.push({ index, field: 'type', message: `an assertion needs a \`type\`, one of: ${ASSERTION_TYPES.join(', ')}` });
      return;
    }
    const { base, negated } = splitType(spec.type);
    const def = ASSERTIONS[base];
    if (!def) {
      const guess = didYouMean(base, ASSERTION_TYPES);
      const hint = guess ? `did you mean "${negated ? NOT_PREFIX : ''}${guess}"?` : `known types: ${ASSERTION_TYPES.join(', ')} (each also as not-<type>)`;
      problems.push({ index, field: 'type', message: `unknown assertion type "${spec.type}": ${hint}` });
      return;
    }
    const own = (spec as Record<string, unknown>).timeout_ms;
    if (own !== undefined && !(typeof own === 'number' && Number.isFinite(own) && own > 0)) {
      problems.push({ index, field: 'timeout_ms', message: `${spec.type}: \`timeout_ms\` must be a positive number of milliseconds, got ${JSON.stringify(own)}` });
    }
    try {
      for (const p of def.validate(spec, env)) problems.push({ index, ...p });
    } catch (e) {
      problems.push({ index, message: `${spec.type}: cannot check this assertion: ${(e as Error).message}` });
    }
  });
  return problems;
}

/** A grader file's top level gets this long to import. */
const GRADER_LOAD_TIMEOUT_MS = 10_000;

/**
 * Imports every `javascript` grader file and checks it exports the function named: the one
 * check validateAssertions cannot make synchronously. Run it before the first request too. The
 * import happens in a grading worker (`pool`, else the shared one), never on the calling thread:
 * a grader's top-level code sees only the pool's environment, like the grader itself.
 */
export async function preloadGraders(specs: AssertionSpec[], suiteDir: string, pool?: GradePool): Promise<AssertionProblem[]> {
  const graders = specs.flatMap((spec, index) =>
    splitType(spec.type).base === 'javascript' && typeof spec.value === 'string' ? [{ spec, index }] : []);
  const ctx = {
    output: '', reasoning: '', finishReason: null, latencyMs: null, ttftMs: null, costUsd: null,
    vars: {}, caseId: '', model: '', suiteDir,
  };
  const outcomes = await (pool ?? sharedGradePool()).run('load', ctx, graders.map(({ spec }) => ({ spec, ms: GRADER_LOAD_TIMEOUT_MS })));
  const problems: AssertionProblem[] = [];
  outcomes.forEach((o, i) => {
    const { spec, index } = graders[i];
    if (!o.ok) problems.push({ index, field: 'value', message: `javascript grader ${String(spec.value)}: ${o.message}` });
  });
  return problems;
}
