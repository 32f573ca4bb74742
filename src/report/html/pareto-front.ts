export interface ParetoPoint {
  /** A cost: lower is better (USD, latency). */
  x: number;
  /** A quality: higher is better (pass rate). */
  y: number;
}

/**
 * Indices of the points on the Pareto front (minimise x, maximise y), in ascending x.
 * A point is on the front when no other point is at least as good on both axes and better on
 * one. Identical points dominate neither each other, so all copies stay on the front. Points
 * with a non-finite coordinate are never on it.
 */
export function paretoFront(points: readonly ParetoPoint[]): number[] {
  const idx = points
    .map((_, i) => i)
    .filter((i) => Number.isFinite(points[i].x) && Number.isFinite(points[i].y))
    .sort((a, b) => points[a].x - points[b].x || points[b].y - points[a].y || a - b);
  const front: number[] = [];
  let best = -Infinity;
  for (const i of idx) {
    const p = points[i];
    const last = front.length > 0 ? points[front[front.length - 1]] : null;
    if (p.y > best) {
      front.push(i);
      best = p.y;
    } else if (last && p.x === last.x && p.y === last.y) {
      front.push(i); // a duplicate of a front point
    }
  }
  return front;
}
