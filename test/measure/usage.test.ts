import { describe, expect, it } from 'vitest';
import { estimateUsage, normalizeUsage } from '../../src/measure/usage.ts';
import { countTokens } from '../../src/measure/tokenizer.ts';

describe('normalizeUsage', () => {
  it('reads OpenAI details', () => {
    expect(normalizeUsage({
      prompt_tokens: 1420, completion_tokens: 100, total_tokens: 1520,
      prompt_tokens_details: { cached_tokens: 1280, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 7 },
    })).toEqual({ promptTokens: 1420, completionTokens: 100, reasoningTokens: 7, cachedTokens: 1280, totalTokens: 1520 });
  });

  it('falls back to top-level cached_tokens (Together) and prompt_cache_hit_tokens (DeepSeek)', () => {
    expect(normalizeUsage({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cached_tokens: 4 })!.cachedTokens).toBe(4);
    expect(normalizeUsage({ prompt_tokens: 10, completion_tokens: 5, prompt_cache_hit_tokens: 8, prompt_cache_miss_tokens: 2 })!.cachedTokens).toBe(8);
    // prompt_tokens_details wins when both are there
    expect(normalizeUsage({ prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 3 }, prompt_cache_hit_tokens: 8 })!.cachedTokens).toBe(3);
  });

  it('derives total when missing, nulls for what was not said, null details tolerated', () => {
    expect(normalizeUsage({ prompt_tokens: 40, completion_tokens: 2, prompt_tokens_details: null, completion_tokens_details: null }))
      .toEqual({ promptTokens: 40, completionTokens: 2, reasoningTokens: null, cachedTokens: null, totalTokens: 42 });
    expect(normalizeUsage({ input_tokens: 3, output_tokens: 4 })).toEqual({
      promptTokens: 3, completionTokens: 4, reasoningTokens: null, cachedTokens: null, totalTokens: 7,
    });
  });

  it('null for non-objects and objects without counts; ignores junk values', () => {
    expect(normalizeUsage(null)).toBeNull();
    expect(normalizeUsage('12')).toBeNull();
    expect(normalizeUsage({ cost: 0.1 })).toBeNull();
    expect(normalizeUsage({ prompt_tokens: -1, completion_tokens: 'x', total_tokens: Number.NaN })).toBeNull();
  });
});

describe('estimateUsage', () => {
  it('counts answer, reasoning and tool calls with the tokenizer', () => {
    const content = 'The capital of France is Paris.';
    const reasoning = 'The user asks about France.';
    const u = estimateUsage(12, content, reasoning);
    expect(u.reasoningTokens).toBe(countTokens(reasoning));
    expect(u.completionTokens).toBe(countTokens(content) + countTokens(reasoning));
    expect(u.totalTokens).toBe(12 + u.completionTokens!);
    expect(u.cachedTokens).toBeNull();
    const t = estimateUsage(null, '', '', [{ name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    expect(t.completionTokens).toBe(countTokens('get_weather{"city":"Paris"}'));
    expect(t.reasoningTokens).toBeNull();
    expect(t.totalTokens).toBeNull();
  });
});

describe('estimate when the text was capped (issue 17)', () => {
  it('counts what was dropped too: the larger of token events and the kept count scaled by length', () => {
    const kept = 'word '.repeat(1000); // 1000 tokens in 5000 characters
    const plain = estimateUsage(10, kept, '').completionTokens!;
    const scaled = estimateUsage(10, kept, '', [], { droppedChars: 45_000, tokenEvents: 3000 }).completionTokens!;
    expect(scaled).toBe(plain * 10);
    const byEvents = estimateUsage(10, kept, '', [], { droppedChars: 5000, tokenEvents: 50_000 }).completionTokens!;
    expect(byEvents).toBe(50_000);
  });
});
