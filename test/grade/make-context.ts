import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { GradeContext } from '../../src/grade/index.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A graded answer with plausible figures; override what the test is about. */
export function makeContext(output: string, over: Partial<GradeContext> = {}): GradeContext {
  return {
    output, reasoning: '', finishReason: 'stop', latencyMs: 850, ttftMs: 120, costUsd: 0.0004,
    vars: {}, caseId: 'case-1', model: 'sim:fast', suiteDir: FIXTURES, ...over,
  };
}
