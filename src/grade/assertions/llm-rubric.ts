import { isKnownProvider } from '../../providers/presets.ts';
import type { AssertionType, FieldProblem, JudgeResponse, Verdict } from '../types.ts';
import { GradingError } from '../grading-error.ts';
import { firstJsonObject } from '../json-extract.ts';
import { snippet } from '../snippet.ts';
import { field, needNumber, needString } from './spec-values.ts';

/**
 * `llm-rubric`: the suite's judge model (`grading.judge`) grades the answer against a rubric.
 * The judge must reply with one JSON object {"pass": boolean, "score": 0..1, "reason": string};
 * anything else is an unparseable verdict (a failed assertion), never a guess.
 * The judge's tokens, cost and latency travel apart (Verdict.judgeCall -> GradeResult.judgeUsage).
 */

export function buildJudgePrompt(rubric: string, output: string): string {
  return [
    'You are grading the OUTPUT of an AI model against a RUBRIC. Judge only what the rubric asks.',
    'Reply with exactly one JSON object and nothing else, in this form:',
    '{"pass": true or false, "score": a number from 0 to 1, "reason": "one or two sentences"}',
    '',
    '<rubric>',
    rubric,
    '</rubric>',
    '',
    '<output>',
    output,
    '</output>',
  ].join('\n');
}

export interface JudgeVerdict {
  pass: boolean;
  score: number;
  reason: string;
}

/** The judge's reply -> verdict, strictly. Throws GradingError('JUDGE_UNPARSEABLE') with what was wrong. */
export function parseVerdict(text: string, call?: JudgeResponse): JudgeVerdict {
  const fail = (why: string): never => {
    throw new GradingError('JUDGE_UNPARSEABLE', `judge verdict unparseable: ${why}; judge replied ${snippet(text, 200)}`, call);
  };
  const o = firstJsonObject(text);
  if (!o) return fail('no JSON object in the reply');
  if (typeof o.pass !== 'boolean') fail(`"pass" must be true or false, got ${JSON.stringify(o.pass) ?? 'nothing'}`);
  if (typeof o.score !== 'number' || !Number.isFinite(o.score) || o.score < 0 || o.score > 1) {
    fail(`"score" must be a number from 0 to 1, got ${JSON.stringify(o.score) ?? 'nothing'}`);
  }
  if (typeof o.reason !== 'string') fail(`"reason" must be a string, got ${JSON.stringify(o.reason) ?? 'nothing'}`);
  return { pass: o.pass as boolean, score: o.score as number, reason: o.reason as string };
}

/** Problems with the judge reference itself (shared with the suite loader's `grading.judge` check). */
export function judgeProblems(judge: string | undefined, knownModels: string[], suiteProviders?: Record<string, unknown>): FieldProblem[] {
  if (judge === undefined || judge === '') {
    return [{ message: 'llm-rubric needs a judge model: set `grading.judge` in the suite to a `provider:model` reference' }];
  }
  if (knownModels.includes(judge)) return [];
  const colon = judge.indexOf(':');
  if (colon <= 0 || colon === judge.length - 1) return [{ message: `judge model ${JSON.stringify(judge)} is not a \`provider:model\` reference` }];
  const provider = judge.slice(0, colon);
  if (isKnownProvider(provider, suiteProviders)) return [];
  return [{
    message: `judge model ${JSON.stringify(judge)} is not one of the suite's models (${knownModels.join(', ') || 'none'}) and its provider "${provider}" is neither declared in \`providers\` nor built in`,
  }];
}

const llmRubric: AssertionType = {
  templated: true,
  timeoutKind: 'judge',
  validate(spec, env) {
    return [
      ...needString(spec, 'the rubric text the judge grades against'),
      ...needNumber(spec, 'threshold', 0, 1, false, "the judge's score needed to pass"),
      ...judgeProblems(env.judge, env.knownModels, env.suiteProviders),
    ];
  },
  async grade(spec, ctx, signal): Promise<Verdict> {
    if (!ctx.judge) throw new GradingError('NOT_MEASURED', 'cannot grade llm-rubric: no judge model was given to the grader (`grading.judge`)');
    const rubric = String(spec.value);
    const call = await ctx.judge(buildJudgePrompt(rubric, ctx.output), { signal });
    const v = parseVerdict(call.text, call);
    const threshold = field(spec, 'threshold') as number | undefined;
    const pass = threshold === undefined ? v.pass : v.score >= threshold;
    return {
      pass,
      score: v.score,
      expected: `the judge to pass the answer on rubric ${snippet(rubric, 100)}${threshold === undefined ? '' : ` with score >= ${threshold}`}`,
      got: `judge says ${v.pass ? 'pass' : 'fail'} (score ${v.score.toFixed(2)}): ${v.reason}`,
      judgeCall: call,
    };
  },
};

export const LLM_RUBRIC_ASSERTIONS: Record<string, AssertionType> = { 'llm-rubric': llmRubric };
