import type { AssertionType } from '../types.ts';
import { TEXT_ASSERTIONS } from './text.ts';
import { JSON_ASSERTIONS } from './json.ts';
import { SIMILARITY_ASSERTIONS } from './similarity.ts';
import { METRIC_ASSERTIONS } from './metrics.ts';
import { JAVASCRIPT_ASSERTIONS } from './javascript.ts';
import { LLM_RUBRIC_ASSERTIONS } from './llm-rubric.ts';
import { TOOL_ASSERTIONS } from './tools.ts';

/** Every assertion type by name (without the `not-` prefix, which any type accepts). */
export const ASSERTIONS: Readonly<Record<string, AssertionType>> = Object.freeze({
  ...TEXT_ASSERTIONS,
  ...JSON_ASSERTIONS,
  ...SIMILARITY_ASSERTIONS,
  ...METRIC_ASSERTIONS,
  ...JAVASCRIPT_ASSERTIONS,
  ...LLM_RUBRIC_ASSERTIONS,
  ...TOOL_ASSERTIONS,
});

export const ASSERTION_TYPES: readonly string[] = Object.keys(ASSERTIONS);

export const NOT_PREFIX = 'not-';

/** `not-contains` -> { base: 'contains', negated: true }. */
export function splitType(type: string): { base: string; negated: boolean } {
  return type.startsWith(NOT_PREFIX) ? { base: type.slice(NOT_PREFIX.length), negated: true } : { base: type, negated: false };
}

export { LEVENSHTEIN_DEFAULT_MAX } from './similarity.ts';
export { buildJudgePrompt, parseVerdict, judgeProblems, type JudgeVerdict } from './llm-rubric.ts';
export {
  loadGrader, parseGraderRef, interpretGraderReturn,
  type GraderFn, type GraderRef, type GraderReturn, type JavascriptGraderContext,
} from './javascript.ts';
