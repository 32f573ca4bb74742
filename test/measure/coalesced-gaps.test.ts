import { describe, expect, it } from 'vitest';
import { coalescedShare, coalescedWarning, COALESCED_WARN_SHARE, isCoalescedGap } from '../../src/measure/coalesced-gaps.ts';

describe('coalesced ITL gaps', () => {
  it('a gap is coalesced when it rounds to 0.000 ms (one read, one stamp)', () => {
    expect(isCoalescedGap(0)).toBe(true);
    expect(isCoalescedGap(0.0004)).toBe(true);
    expect(isCoalescedGap(0.0005)).toBe(false);
    expect(isCoalescedGap(0.8)).toBe(false);
  });

  it('share is of all gaps; null without gaps', () => {
    expect(coalescedShare(1, 3)).toBe(0.25);
    expect(coalescedShare(0, 5)).toBe(0);
    expect(coalescedShare(0, 0)).toBeNull();
  });

  it(`warns above ${COALESCED_WARN_SHARE * 100}% only, saying what is left out and why`, () => {
    expect(coalescedWarning(20, 80)).toBeNull(); // exactly 20%
    expect(coalescedWarning(0, 0)).toBeNull();
    const w = coalescedWarning(21, 79)!;
    expect(w).toContain('21.0% of inter-token gaps (21 of 100)');
    expect(w).toContain('left out of the ITL percentiles');
  });
});
