import { InputError } from '../errors/input-error.ts';
import type { ChatMessage } from '../providers/types.ts';
import { acceptedEfforts, isKnownProvider } from '../providers/presets.ts';
import { didYouMean } from '../suite/did-you-mean.ts';
import { knownProviderIds } from '../suite/known-providers.ts';
import { EFFORTS, type Effort, type SuiteCase } from '../suite/schema.ts';
import type { Suite } from '../suite/types.ts';
import { jobId } from './job-id.ts';
import { checkPlanSize } from './plan-size.ts';
import { parseModelRef, type ModelRef } from './model-ref.ts';
import { renderMessages } from './render-messages.ts';
import { caseMatcher, noMatchError } from './select-cases.ts';
import { iterateCases } from '../suite/dataset/expand-cases.ts';
import { fillAssertions } from '../suite/dataset/row-case.ts';
import type { Job } from './types.ts';

/** CLI overrides of the suite (concurrency and retries belong to the runner, not here). */
export interface PlanOverrides {
  /** Replace the suite's `models`. */
  models?: string[];
  /** Replace the suite's `reasoning_effort`; an empty list means "do not send the field". */
  efforts?: Effort[];
  repeats?: number;
  timeoutMs?: number;
  /** Keep cases whose id or one of whose tags is listed. */
  filter?: string[];
  /** Largest plan accepted (`--max-jobs`); default DEFAULT_MAX_JOBS. */
  maxJobs?: number;
  /** Keep only the first N cases (after the filter): a quick, reproducible subset of a large dataset. */
  limit?: number;
}

const PARAM_KEYS = [
  'max_completion_tokens', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'stop', 'seed',
  'n', 'logprobs', 'top_logprobs', 'logit_bias', 'response_format', 'tools', 'tool_choice', 'parallel_tool_calls',
  'user', 'metadata',
] as const;

/** A validated plan: its size and models are known at once; its jobs are made on demand. */
export interface Plan {
  /** Number of jobs `jobs()` yields. */
  count: number;
  /** Repeats of each case x model x effort. */
  repeats: number;
  /** The models run (deduplicated, in suite order). */
  models: ModelRef[];
  /**
   * The jobs, in plan order (case-major: all jobs of the first case first; within a case, model,
   * then effort, then repeat). Made lazily, so a run of 100,000 jobs never holds them all.
   */
  jobs(): Generator<Job>;
}

/**
 * Expands a suite into a plan of cases x models x efforts x repeats. Duplicate models or efforts
 * are dropped so job ids stay unique. Throws InputError on bad overrides.
 */
export function makePlan(suite: Suite, overrides: PlanOverrides = {}): Plan {
  const models = dedupeBy((overrides.models ?? suite.models).map((ref) => checkModel(ref, suite)), (m) => m.ref);
  const efforts: (Effort | null)[] = checkEfforts(overrides.efforts ?? suite.reasoning_effort);
  for (const m of models) checkAccepted(m, efforts, suite, overrides.efforts !== undefined);
  const repeats = checkPositiveInt(overrides.repeats ?? suite.repeats, 'BAD_REPEATS', 'repeats');
  const timeoutMs = checkPositiveInt(overrides.timeoutMs ?? suite.timeout_ms, 'BAD_TIMEOUT', 'timeout (ms)');
  const cases = selectedCases(suite, overrides);
  checkPlanSize(suite, {
    cases: cases.count, models: models.length, efforts: efforts.length, repeats, repeatsFromFlag: overrides.repeats !== undefined,
  }, overrides.maxJobs);
  return {
    count: cases.count * models.length * efforts.length * repeats,
    repeats,
    models,
    *jobs() {
      let index = 0;
      for (const c of cases.list()) {
        // Rendered once per case and shared by its jobs: read-only (images can be large data URLs).
        const messages = renderMessages(c, suite.defaults);
        const params = mergeParams(c, suite);
        const stream = c.stream ?? suite.defaults?.stream ?? true;
        const assert = [...fillAssertions(suite.default_assert ?? [], c.vars), ...(c.assert ?? [])];
        for (const m of models) {
          for (const effort of efforts) {
            for (let repeat = 1; repeat <= repeats; repeat++) {
              yield makeJob(suite, c, m, effort, repeat, index++, messages, params, stream, timeoutMs, assert);
            }
          }
        }
      }
    },
  };
}

/**
 * The cases to plan, lazily (a dataset row is read when its jobs are made) and their number,
 * counted by one extra pass only when a filter or limit is set.
 */
function selectedCases(suite: Suite, overrides: PlanOverrides): { count: number; list: () => Generator<SuiteCase> } {
  const match = caseMatcher(overrides.filter);
  const limit = overrides.limit === undefined ? Infinity : checkPositiveInt(overrides.limit, 'BAD_LIMIT', '--limit');
  const list = function* (): Generator<SuiteCase> {
    let n = 0;
    for (const c of iterateCases(suite)) {
      if (n >= limit) return;
      if (match && !match(c)) continue;
      n += 1;
      yield c;
    }
  };
  let count = !match && suite.caseCount !== undefined ? Math.min(limit, suite.caseCount) : 0;
  if (match || suite.caseCount === undefined) for (const _ of list()) count += 1;
  if (count === 0 && match) throw noMatchError(overrides.filter!, iterateCases(suite));
  return { count, list };
}

/** Every job of the plan, as an array (see makePlan for the order). */
export function planJobs(suite: Suite, overrides: PlanOverrides = {}): Job[] {
  return [...makePlan(suite, overrides).jobs()];
}

function makeJob(
  suite: Suite, c: SuiteCase, m: ModelRef, effort: Effort | null, repeat: number, index: number,
  messages: ChatMessage[], params: Job['params'], stream: boolean, timeoutMs: number, assert: Job['assert'],
): Job {
  const job: Job = {
    id: jobId(suite.name, c.id, m.ref, effort, repeat),
    index,
    suite: suite.name,
    caseId: c.id,
    tags: c.tags ?? [],
    provider: m.provider,
    model: m.model,
    reasoningEffort: effort,
    repeat,
    messages,
    params,
    stream,
    timeoutMs,
    assert,
    vars: c.vars ?? {},
  };
  if (c.threshold !== undefined) job.threshold = c.threshold;
  return job;
}

/** Suite defaults overridden key by key by the case; unset keys are left out (not sent). */
function mergeParams(c: SuiteCase, suite: Suite): Job['params'] {
  const params: Record<string, unknown> = {};
  for (const key of PARAM_KEYS) {
    const value = c[key] ?? suite.defaults?.[key];
    if (value !== undefined) params[key] = value;
  }
  // extra_body merges key by key (case over defaults), like the named parameters.
  const extra = { ...suite.defaults?.extra_body, ...c.extra_body };
  if (Object.keys(extra).length > 0) params.extra_body = extra;
  return params as Job['params'];
}

function checkModel(ref: string, suite: Suite): ModelRef {
  const m = parseModelRef(ref);
  if (!isKnownProvider(m.provider, suite.providers)) {
    const known = knownProviderIds(suite.providers);
    const hint = didYouMean(m.provider, known);
    throw new InputError(
      'UNKNOWN_PROVIDER',
      `unknown provider \`${m.provider}\` in model \`${m.ref}\`; known: ${known.join(', ')}` +
        (hint ? `; did you mean \`${hint}\`?` : '') +
        '. Declare other OpenAI-compatible servers under `providers` in the suite.',
    );
  }
  return m;
}

function checkEfforts(efforts: readonly string[] | undefined): (Effort | null)[] {
  if (!efforts || efforts.length === 0) return [null];
  for (const e of efforts) {
    if (!(EFFORTS as readonly string[]).includes(e)) {
      throw new InputError('BAD_EFFORT', `bad reasoning effort \`${e}\`: expected one of ${EFFORTS.join(', ')}`);
    }
  }
  return dedupeBy(efforts as Effort[], (e) => e);
}

/** Every effort of the plan must be one the model's API accepts: refused before any request. */
function checkAccepted(m: ModelRef, efforts: readonly (Effort | null)[], suite: Suite, fromFlag: boolean): void {
  const accepted = acceptedEfforts(m.provider, suite.providers);
  if (!accepted) return;
  const refused = efforts.filter((e): e is Effort => e !== null && !accepted.includes(e));
  if (refused.length === 0) return;
  const where = fromFlag ? '--efforts' : 'the suite\'s `reasoning_effort`';
  throw new InputError(
    'EFFORT_NOT_ACCEPTED',
    `model \`${m.ref}\` cannot run at reasoning_effort ${refused.map((e) => `\`${e}\``).join(', ')}: provider \`${m.provider}\` `
      + `accepts ${accepted.join(', ')}. Remove ${refused.length === 1 ? 'it' : 'them'} from ${where}, or declare the server `
      + `under \`providers\` in the suite if it accepts more.`,
  );
}

function checkPositiveInt(n: number, code: string, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new InputError(code, `${what} must be a whole number of at least 1, got ${n}`);
  return n;
}

function dedupeBy<T>(list: readonly T[], key: (t: T) => unknown): T[] {
  const seen = new Set<unknown>();
  return list.filter((t) => !seen.has(key(t)) && seen.add(key(t)));
}
