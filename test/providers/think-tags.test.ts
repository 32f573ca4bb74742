import { describe, expect, it } from 'vitest';
import { ThinkTagSplitter, type TextSink } from '../../src/providers/think-tags.ts';

function run(pieces: string[]): { sink: TextSink; answers: boolean[]; tail: boolean } {
  const sink: TextSink = { content: '', reasoning: '' };
  const s = new ThinkTagSplitter(sink);
  const answers = pieces.map((p) => s.push(p));
  const tail = s.finish();
  return { sink, answers, tail };
}

describe('ThinkTagSplitter', () => {
  it('moves a leading <think> block to reasoning, drops the separator whitespace', () => {
    const { sink, answers } = run(['<think>', '\nplan', '</think>', '\n\n', 'Hi', ' there']);
    expect(sink).toEqual({ reasoning: '\nplan', content: 'Hi there' });
    expect(answers).toEqual([false, false, false, false, true, true]);
  });

  it('handles tags split at every position', () => {
    const text = '<think>abc</think>\nanswer';
    for (let i = 1; i < text.length; i++) {
      for (let j = i + 1; j < text.length; j++) {
        const { sink } = run([text.slice(0, i), text.slice(i, j), text.slice(j)]);
        expect(sink, `cut at ${i},${j}`).toEqual({ reasoning: 'abc', content: 'answer' });
      }
    }
  });

  it('leaves plain answers alone, including a later literal <think>', () => {
    const { sink, answers } = run(['Use ', '<think>', ' tags']);
    expect(sink).toEqual({ reasoning: '', content: 'Use <think> tags' });
    expect(answers).toEqual([true, true, true]);
  });

  it('holds a possible tag prefix and releases it at the end', () => {
    const { sink, answers, tail } = run(['<th']);
    expect(answers).toEqual([false]);
    expect(tail).toBe(true);
    expect(sink.content).toBe('<th');
  });

  it('an unterminated block is all reasoning', () => {
    const { sink, tail } = run(['<think>still going </thi']);
    expect(tail).toBe(false);
    expect(sink).toEqual({ reasoning: 'still going </thi', content: '' });
  });

  it('whitespace opening a plain answer is answer text', () => {
    const { sink, answers } = run(['\n\n', '1, 2, 3.']);
    expect(sink.content).toBe('\n\n1, 2, 3.');
    expect(answers).toEqual([true, true]);
  });
});
