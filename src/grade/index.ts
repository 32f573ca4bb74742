/** Grading: assertions and model-graded rubrics -> pass / score / reasons. */
export { gradeOutput, combinedScore, sumJudgeUsage, GRADER_TIMEOUT_MS, JUDGE_TIMEOUT_MS } from './grade-output.ts';
export { gradeChoices, type ChoicesGrade } from './grade-choices.ts';
export { validateAssertions, preloadGraders, type ValidateAssertionsOptions } from './validate-assertions.ts';
export {
  ASSERTIONS, ASSERTION_TYPES, NOT_PREFIX, splitType, LEVENSHTEIN_DEFAULT_MAX,
  buildJudgePrompt, parseVerdict, judgeProblems, loadGrader, parseGraderRef, interpretGraderReturn,
  type JudgeVerdict, type GraderFn, type GraderRef, type GraderReturn, type JavascriptGraderContext,
} from './assertions/index.ts';
export { runInSandbox, SANDBOX_DEFAULT_TIMEOUT_MS } from './run-in-sandbox.ts';
export { extractCode } from './extract-code.ts';
export { GradePool, sharedGradePool, type GradePoolOptions } from './workers/grade-pool.ts';
export { graderEnv } from './workers/grader-env.ts';
export { extractJsonValues, firstJsonObject } from './json-extract.ts';
export { GradingError, type GradingErrorCode } from './grading-error.ts';
export { SandboxError, type SandboxErrorCode } from './sandbox-error.ts';
export type {
  GradeContext, GradeResult, GradeOptions, AssertionResult, AssertionProblem, JudgeFn, JudgeResponse, JudgeUsage,
  AssertionType, Verdict, ValidateEnv, FieldProblem,
} from './types.ts';
