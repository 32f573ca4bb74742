import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { answerPrompt, matchTask, SeededRandom } from '../../../src/providers/sim/index.ts';

const CASES: Array<[string, string, string]> = [
  ['What is 17 * 23?', 'arithmetic', '391'],
  ['Compute (2 + 3) * 4 - 1.', 'arithmetic', '19'],
  ['What is 144 divided by 12?', 'arithmetic', '12'],
  ['What is 7 plus 8?', 'arithmetic', '15'],
  ['What is 10 / 4?', 'arithmetic', '2.5'],
  ['What is 2^10?', 'arithmetic', '1024'],
  ['What is the capital of France?', 'capital', 'Paris'],
  ['Name the capital city of Japan.', 'capital', 'Tokyo'],
  ["What is Italy's capital?", 'capital', 'Rome'],
  ['Reverse the word stressed', 'reverse', 'desserts'],
  ['Reverse the word "hello".', 'reverse', 'olleh'],
  ['Uppercase hello world', 'uppercase', 'HELLO WORLD'],
  ['Convert "quiet please" to uppercase.', 'uppercase', 'QUIET PLEASE'],
  ['Count the letters in banana', 'count', '6'],
  ['How many letters are in "hello world"?', 'count', '10'],
  ['How many times does the letter r appear in strawberry?', 'count', '3'],
  ["How many r's are in strawberry?", 'count', '3'],
  ['Reply with exactly: OK', 'exact-reply', 'OK'],
  ['Reply with exactly: "The sky is blue"', 'exact-reply', 'The sky is blue'],
  ['Return JSON with keys a and b', 'json', '{"a":1,"b":2}'],
  ['Return a JSON object with keys "name", "age" and "city". No prose.', 'json', '{"name":"Ada Lovelace","age":36,"city":"London"}'],
];

describe('answer engine', () => {
  it.each(CASES)('%s -> %s %s', (prompt, task, expected) => {
    const m = matchTask(prompt);
    expect(m?.task).toBe(task);
    expect(answerPrompt(prompt, true, new SeededRandom(1)).text).toBe(expected);
  });

  it('gives a plausibly wrong answer that differs from the right one', () => {
    for (const [prompt, task, expected] of CASES) {
      for (let s = 0; s < 5; s++) {
        const wrong = answerPrompt(prompt, false, new SeededRandom(s, prompt));
        expect(wrong.text, prompt).not.toBe(expected);
        expect(wrong.correct).toBe(false);
        if (task === 'arithmetic' || task === 'count') expect(Number.isFinite(Number(wrong.text))).toBe(true);
        if (task === 'capital') expect(wrong.text).toMatch(/^[A-Z][A-Za-z .,]+$/);
      }
    }
  });

  it('answers anything else with a generic text of about 30-80 tokens', () => {
    for (let i = 0; i < 30; i++) {
      const prompt = `Explain topic number ${i} like I am new to it`;
      expect(matchTask(`Describe the weather ${'x'.repeat(i)}`)).toBeNull();
      const a = answerPrompt(prompt, true, new SeededRandom(i));
      expect(a.task).toBeNull();
      expect(a.correct).toBeNull();
      const n = encode(a.text).length;
      expect(n).toBeGreaterThanOrEqual(30);
      expect(n).toBeLessThanOrEqual(110);
    }
  });

  it('is deterministic for a given generator state', () => {
    const a = answerPrompt('Tell me about lighthouses', true, new SeededRandom(9, 'x'));
    const b = answerPrompt('Tell me about lighthouses', true, new SeededRandom(9, 'x'));
    const c = answerPrompt('Tell me about lighthouses', true, new SeededRandom(10, 'x'));
    expect(b.text).toBe(a.text);
    expect(c.text).not.toBe(a.text);
  });
});
