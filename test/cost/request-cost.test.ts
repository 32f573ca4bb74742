import { describe, expect, it } from 'vitest';
import {
  loadPriceTable, mergePricing, pricingFromMap, requestCost, requestCostFor, unpricedModels, unpricedWarning,
  formatUsd, type ModelPrice,
} from '../../src/cost/index.ts';

const gpt4o: ModelPrice = { input: 2.5, cachedInput: 1.25, output: 10 };

describe('requestCost', () => {
  it('splits cached from uncached prompt tokens', () => {
    // (1000 - 400) x 2.50 + 400 x 1.25 + 500 x 10.00 = 1500 + 500 + 5000 = 7000 per 1M -> $0.007
    expect(requestCost(gpt4o, { promptTokens: 1000, cachedTokens: 400, completionTokens: 500 })).toBeCloseTo(0.007, 12);
  });

  it('bills reasoning tokens as output: they are inside completion_tokens, never added again', () => {
    const withReasoning = requestCost(gpt4o, { promptTokens: 100, cachedTokens: 0, completionTokens: 800, reasoningTokens: 600 });
    // 100 x 2.50 + 800 x 10.00 = 8250 per 1M
    expect(withReasoning).toBeCloseTo(0.00825, 12);
    expect(withReasoning).toBe(requestCost(gpt4o, { promptTokens: 100, completionTokens: 800 }));
  });

  it('bills reasoning at its own rate when a price says so', () => {
    const p: ModelPrice = { ...gpt4o, reasoning: 20 };
    // 100 x 2.50 + (800 - 600) x 10 + 600 x 20 = 250 + 2000 + 12000 = 14250 per 1M
    expect(requestCost(p, { promptTokens: 100, completionTokens: 800, reasoningTokens: 600 })).toBeCloseTo(0.01425, 12);
    // reasoning count unknown: all of completion at the output rate
    expect(requestCost(p, { promptTokens: 100, completionTokens: 800, reasoningTokens: null })).toBeCloseTo(0.00825, 12);
  });

  it('unknown cached tokens bill the whole prompt at the input rate; cached > prompt is clamped', () => {
    expect(requestCost(gpt4o, { promptTokens: 1000, cachedTokens: null, completionTokens: 0 })).toBeCloseTo(0.0025, 12);
    // cached clamped to 1000: 1000 x 1.25 = 1250 per 1M
    expect(requestCost(gpt4o, { promptTokens: 1000, cachedTokens: 5000, completionTokens: 0 })).toBeCloseTo(0.00125, 12);
  });

  it('is null when unpriced or the tokens are unknown, never a guess', () => {
    expect(requestCost(undefined, { promptTokens: 10, completionTokens: 10 })).toBeNull();
    expect(requestCost(gpt4o, { promptTokens: null, completionTokens: 10 })).toBeNull();
    expect(requestCost(gpt4o, { promptTokens: 10, completionTokens: null })).toBeNull();
  });

  it('has no float noise in the stored value', () => {
    const p: ModelPrice = { input: 0.1, cachedInput: 0.1, output: 0.2 };
    expect(requestCost(p, { promptTokens: 1_000_000, completionTokens: 1_000_000 })).toBe(0.3);
  });
});

describe('costs from the shipped table and overrides', () => {
  const shipped = loadPriceTable();

  it('gpt-4o-mini by hand', () => {
    // (2000 - 1024) x 0.15 + 1024 x 0.075 + 300 x 0.60 = 146.4 + 76.8 + 180 = 403.2 per 1M
    expect(requestCostFor(shipped, 'openai:gpt-4o-mini', { promptTokens: 2000, cachedTokens: 1024, completionTokens: 300 }))
      .toBeCloseTo(0.0004032, 12);
  });

  it('the issue\'s suite pricing example for vivgrid:managed', () => {
    const t = mergePricing(shipped, pricingFromMap({ 'vivgrid:managed': { input: 1.25, cached_input: 0.125, output: 10 } }, 's.yaml'));
    // (10000 - 8000) x 1.25 + 8000 x 0.125 + 2000 x 10 = 2500 + 1000 + 20000 = 23500 per 1M
    expect(requestCostFor(t, 'vivgrid:managed', { promptTokens: 10_000, cachedTokens: 8000, completionTokens: 2000 })).toBeCloseTo(0.0235, 12);
    expect(requestCostFor(shipped, 'vivgrid:managed', { promptTokens: 10_000, completionTokens: 2000 })).toBeNull();
  });

  it('lists unpriced models once each and words one warning for all of them', () => {
    const refs = ['sim:fast', 'vivgrid:managed', 'openai:gpt-4o', 'vigthoria:v2-code', 'vivgrid:managed'];
    const unpriced = unpricedModels(shipped, refs);
    expect(unpriced).toEqual(['vivgrid:managed', 'vigthoria:v2-code']);
    const w = unpricedWarning(unpriced)!;
    expect(w).toContain('vivgrid:managed, vigthoria:v2-code');
    expect(w).toMatch(/pricing:/);
    expect(w).toMatch(/--prices/);
    expect(unpricedWarning(unpricedModels(shipped, ['sim:fast', 'openai:gpt-4.1']))).toBeNull();
  });
});

describe('formatUsd', () => {
  it('shows enough digits for small costs', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(0.000456)).toBe('$0.000456');
  });
});
