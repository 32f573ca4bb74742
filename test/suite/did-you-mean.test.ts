import { describe, expect, it } from 'vitest';
import { didYouMean, levenshtein } from '../../src/suite/index.ts';

describe('levenshtein', () => {
  it('counts edits, with a swap of neighbours as one', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
    expect(levenshtein('hgih', 'high')).toBe(1);
    expect(levenshtein('temprature', 'temperature')).toBe(1);
  });
});

describe('didYouMean', () => {
  const keys = ['id', 'prompt', 'messages', 'temperature', 'top_p', 'max_completion_tokens', 'tags'];
  it('suggests the closest candidate within a typo budget', () => {
    expect(didYouMean('temprature', keys)).toBe('temperature');
    expect(didYouMean('promt', keys)).toBe('prompt');
    expect(didYouMean('Tags', keys)).toBe('tags');
    expect(didYouMean('banana', keys)).toBeUndefined();
  });
  it('knows names from other tools when the target is allowed', () => {
    expect(didYouMean('max_tokens', keys)).toBe('max_completion_tokens');
    expect(didYouMean('tests', ['cases'])).toBe('cases');
    expect(didYouMean('tests', ['prompt'])).toBeUndefined();
  });
});
