import type { Job } from '../../src/plan/types.ts';
import type { Effort } from '../../src/suite/schema.ts';

let n = 0;

/** A planned job with only what cost code reads set meaningfully. */
export function makeJob(caseId: string, modelRef: string, effort: Effort | null, prompt: string, max?: number, repeat = 1): Job {
  const colon = modelRef.indexOf(':');
  return {
    id: `job-${n}`,
    index: n++,
    suite: 'cost-test',
    caseId,
    tags: [],
    provider: modelRef.slice(0, colon),
    model: modelRef.slice(colon + 1),
    reasoningEffort: effort,
    repeat,
    messages: [{ role: 'user', content: prompt }],
    params: max === undefined ? {} : { max_completion_tokens: max },
    stream: true,
    timeoutMs: 60_000,
    assert: [],
    vars: {},
  };
}

/** Characters of string contents: a counter simple enough to check estimates by hand. */
export const countChars = (messages: Job['messages']): number =>
  messages.reduce((s, m) => s + (typeof m.content === 'string' ? m.content.length : 0), 0);
