import { levenshtein } from '../../suite/did-you-mean.ts';
import type { AssertionType } from '../types.ts';
import { snippet } from '../snippet.ts';
import { field, needNumber, needString } from './spec-values.ts';

/** Default largest edit distance that passes (promptfoo's default). */
export const LEVENSHTEIN_DEFAULT_MAX = 5;

/** `levenshtein`: the answer (whitespace-trimmed) is within `threshold` edits of `value`. */
const levenshteinType: AssertionType = {
  templated: true,
  validate: (spec) => [
    ...needString(spec, 'the text to compare with'),
    ...needNumber(spec, 'threshold', 0, Infinity, false, 'largest edit distance that passes'),
  ],
  grade(spec, ctx) {
    const max = (field(spec, 'threshold') as number | undefined) ?? LEVENSHTEIN_DEFAULT_MAX;
    const want = String(spec.value).trim();
    const out = ctx.output.trim();
    const d = levenshtein(out, want);
    return { pass: d <= max, score: d <= max ? 1 : 0, expected: `output within ${max} edits of ${snippet(want)}`, got: `distance ${d} from ${snippet(out)}` };
  },
};

export const SIMILARITY_ASSERTIONS: Record<string, AssertionType> = { levenshtein: levenshteinType };
