import type { SeededRandom } from './seeded-random.ts';
import { countTokens } from './token-pieces.ts';

const STEPS = [
  'Let me think about this step by step.',
  'First, I will restate what is being asked.',
  'I should check whether there is any trick in the wording.',
  'The key facts are already given in the question.',
  'Let me work it out carefully.',
  'Now I will double-check the intermediate result.',
  'That looks consistent with what I expected.',
  'I should make sure the format matches the request.',
  'One more check: nothing was left out.',
  'Alternatively, I could approach it from the other direction.',
  'Both ways give the same result, which is reassuring.',
  'The answer should be short and direct.',
  'Let me verify once more before answering.',
  'I am fairly confident now.',
];

/**
 * A reasoning trace of about `target` tokens, built word by word (the sum of per-word token counts
 * is close to the real count; the exact count is taken from the final text). It ends with a blank
 * line so that, concatenated with the answer, no token spans the boundary: a client tokenizing
 * reasoning + answer together counts what the server reports.
 */
export function reasoningText(gist: string, target: number, rng: SeededRandom): string {
  if (target <= 0) return '';
  const words: string[] = [];
  let tokens = 0;
  let sentence = gist.split(' ');
  let i = 0;
  while (tokens < target) {
    if (i >= sentence.length) {
      sentence = rng.pick(STEPS).split(' ');
      i = 0;
    }
    const w = sentence[i++];
    tokens += countTokens(' ' + w);
    words.push(w);
  }
  let text = words.join(' ');
  if (!/[.!?]$/.test(text)) text += '.';
  return text + '\n\n';
}
