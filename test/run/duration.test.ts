import { describe, expect, it } from 'vitest';
import { parseRunDuration, parseWarmup } from '../../src/run/duration.ts';

describe('duration flags', () => {
  it('parses --duration with a unit and refuses a bare number', () => {
    expect(parseRunDuration('60s')).toBe(60_000);
    expect(parseRunDuration('2m')).toBe(120_000);
    expect(parseRunDuration('1.5s')).toBe(1500);
    expect(parseRunDuration('250ms')).toBe(250);
    expect(() => parseRunDuration('60')).toThrow(expect.objectContaining({ code: 'BAD_DURATION' }));
    expect(() => parseRunDuration('0s')).toThrow(expect.objectContaining({ code: 'BAD_DURATION' }));
    expect(() => parseRunDuration('soon')).toThrow(/--duration/);
  });

  it('parses --warmup as requests or as time', () => {
    expect(parseWarmup('20')).toEqual({ jobs: 20 });
    expect(parseWarmup('10s')).toEqual({ ms: 10_000 });
    expect(parseWarmup('500ms')).toEqual({ ms: 500 });
    expect(() => parseWarmup('-3')).toThrow(expect.objectContaining({ code: 'BAD_WARMUP' }));
    expect(() => parseWarmup('2.5')).toThrow(expect.objectContaining({ code: 'BAD_WARMUP' }));
  });
});
