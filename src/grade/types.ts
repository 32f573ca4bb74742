import type { SamplingParams } from '../providers/types.ts';
import type { AssertionSpec } from '../suite/schema.ts';
import type { GradePool } from './workers/grade-pool.ts';

/** What a judge model said, with its own usage: recorded apart from the judged model's figures. */
export interface JudgeResponse {
  text: string;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  costUsd: number | null;
}

/**
 * Calls the suite's judge model (`grading.judge`). Injected by the runner: grading never does
 * HTTP itself. `signal` aborts when the assertion times out.
 */
export type JudgeFn = (prompt: string, options?: { signal?: AbortSignal }) => Promise<JudgeResponse>;

/** Everything an assertion may look at for one answer. */
export interface GradeContext {
  /** The answer text (content), reasoning excluded. */
  output: string;
  reasoning: string;
  finishReason: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  costUsd: number | null;
  vars: Record<string, unknown>;
  caseId: string;
  /** `provider:model` of the judged model. */
  model: string;
  /** Directory of the suite file: relative paths in assertions resolve against it. */
  suiteDir: string;
  judge?: JudgeFn;
  /** The answer's tool calls (arguments as the JSON text received). */
  toolCalls?: { id?: string; name?: string; arguments: string }[];
  /** The request's response_format, for is-valid-json-schema-output. */
  responseFormat?: SamplingParams['response_format'];
}

export interface AssertionResult {
  /** As written, `not-` prefix included. */
  type: string;
  pass: boolean;
  /** 0..1 (`not-` gives 1 - score). */
  score: number;
  /** What was expected and what came back. */
  reason: string;
  weight: number;
  /** True when the grader could not give a verdict (threw, timed out, judge unparseable, metric missing). */
  errored?: boolean;
  /** True when the grader ran past its time limit (rows then say `grading_error: grading_timeout`). */
  timedOut?: boolean;
}

/** Totals over the judge calls of one answer. A total is null when any call did not report it. */
export interface JudgeUsage {
  /** Judge responses received (parsed or not). */
  calls: number;
  /** Judge calls that threw or timed out (no response, no usage). */
  failures: number;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
  costUsd: number | null;
}

export interface GradeResult {
  passed: boolean;
  /** Weighted mean of the assertion scores, 0..1. */
  score: number;
  results: AssertionResult[];
  /** Reasons of the failed assertions, in spec order. */
  reasons: string[];
  /** Present when at least one llm-rubric assertion ran. */
  judgeUsage?: JudgeUsage;
}

/** One problem with one assertion spec; the suite loader adds file:line. */
export interface AssertionProblem {
  /** Index of the spec in the list given. */
  index: number;
  /** The spec's key at fault (`type`, `value`, `threshold`...), when one is. */
  field?: string;
  message: string;
}

/** A problem as an assertion type reports it (the index is added by validateAssertions). */
export type FieldProblem = Omit<AssertionProblem, 'index'>;

export interface ValidateEnv {
  suiteDir: string;
  /** Model references of the suite (`models`). */
  knownModels: string[];
  /** The suite's `grading.judge`, if any. */
  judge?: string;
  /** The suite's `providers` block: a judge on one of these (or a preset, or sim) is accepted. */
  suiteProviders?: Record<string, unknown>;
}

export interface GradeOptions {
  /** Per-assertion limit for graders that can wait (javascript). Default 5000 ms. */
  timeoutMs?: number;
  /** Per-assertion limit for llm-rubric (a model call). Default 120000 ms. */
  judgeTimeoutMs?: number;
  /** Worker threads for the assertions that are not cheap. Default: a shared pool with an empty environment. */
  pool?: GradePool;
}

/** A grader's answer for the positive form of its assertion; gradeOutput composes the reason. */
export interface Verdict {
  pass: boolean;
  score: number;
  /** The positive expectation, e.g. `output contains "Paris"`. */
  expected: string;
  /** What came back, e.g. `not found in "Lyon is..."`. */
  got: string;
  judgeCall?: JudgeResponse;
}

export interface AssertionType {
  /** Checks a spec before any request. `spec.type` is the base type (no `not-`). */
  validate(spec: AssertionSpec, env: ValidateEnv): FieldProblem[];
  /** Grades one answer. Throw (GradingError or anything) when no verdict is possible. */
  grade(spec: AssertionSpec, ctx: GradeContext, signal: AbortSignal): Verdict | Promise<Verdict>;
  /** Which timeout applies: graders that call a model get the longer one. */
  timeoutKind?: 'code' | 'judge';
  /** `{{var}}` placeholders in a string (or string[]) `value` are filled from the case's vars. */
  templated?: boolean;
  /**
   * Linear-time in the answer and runs no user code: graded on the calling thread (no copy to a
   * worker). Every other type is graded in a grading worker, where its time limit stops it.
   */
  inline?: boolean;
}
