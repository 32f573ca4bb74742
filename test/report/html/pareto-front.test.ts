import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { paretoFront, type ParetoPoint } from '../../../src/report/html/pareto-front.ts';

/** Brute force: p is dominated when some q is no worse on both axes and better on one. */
function bruteFront(points: ParetoPoint[]): number[] {
  const ok = (p: ParetoPoint) => Number.isFinite(p.x) && Number.isFinite(p.y);
  return points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => ok(p) && !points.some((q) => ok(q) && q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y)))
    .map(({ i }) => i);
}

describe('paretoFront (minimise x, maximise y)', () => {
  it('finds the front of hand-made points, in ascending x', () => {
    const pts = [
      { x: 10, y: 0.9 }, // 0: best quality, most expensive -> front
      { x: 1, y: 0.5 }, // 1: cheapest -> front
      { x: 5, y: 0.5 }, // 2: same quality as 1 but dearer -> dominated
      { x: 4, y: 0.8 }, // 3: front
      { x: 6, y: 0.7 }, // 4: dominated by 3
      { x: 12, y: 0.9 }, // 5: same quality as 0 but dearer -> dominated
    ];
    expect(paretoFront(pts)).toEqual([1, 3, 0]);
  });

  it('keeps identical points and drops same-x points of lower quality', () => {
    expect(paretoFront([{ x: 2, y: 0.6 }, { x: 2, y: 0.6 }, { x: 2, y: 0.4 }])).toEqual([0, 1]);
  });

  it('ignores non-finite points and handles empty input', () => {
    expect(paretoFront([])).toEqual([]);
    expect(paretoFront([{ x: NaN, y: 1 }, { x: 3, y: 0.2 }, { x: 1, y: Infinity }])).toEqual([1]);
  });

  it('matches a brute-force definition on random points', () => {
    const coord = fc.integer({ min: 0, max: 6 }); // small range: many ties
    fc.assert(
      fc.property(fc.array(fc.record({ x: coord, y: coord }), { maxLength: 30 }), (pts) => {
        expect([...paretoFront(pts)].sort((a, b) => a - b)).toEqual(bruteFront(pts));
      }),
      { numRuns: 300 },
    );
  });
});
