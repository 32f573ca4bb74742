/**
 * Holm-Bonferroni step-down adjustment (Holm 1979), as R's `p.adjust(p, "holm")`: sort the m
 * p-values ascending, multiply the i-th (1-based) by m - i + 1, make the sequence non-decreasing
 * and cap at 1. Controls the family-wise error rate across all pairwise comparisons without
 * Bonferroni's loss of power. NaN entries are left as NaN and not counted in m.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter((x) => !Number.isNaN(x.p))
    .sort((x, y) => x.p - y.p);
  const m = order.length;
  const adjusted = pValues.map(() => NaN);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
