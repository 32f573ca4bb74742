/**
 * Count, mean, sum of squared deviations (M2), min and max of a stream of numbers, updated one
 * value at a time (Welford) and combined exactly across parts (Chan et al.). Every distribution
 * that is built incrementally or merged (LogHistogram, merged shard sketches) keeps its exact
 * moments here, so mean and std have one definition.
 */
export class RunningMoments {
  n = 0;
  mean = 0;
  m2 = 0;
  lo = Infinity;
  hi = -Infinity;

  /** Add one finite value (callers filter null and non-finite values). */
  push(v: number): void {
    this.n++;
    const d = v - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (v - this.mean);
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }

  merge(o: RunningMoments): void {
    if (o.n === 0) return;
    const n = this.n + o.n;
    const d = o.mean - this.mean;
    this.m2 += o.m2 + (d * d * this.n * o.n) / n;
    this.mean += (d * o.n) / n;
    this.n = n;
    if (o.lo < this.lo) this.lo = o.lo;
    if (o.hi > this.hi) this.hi = o.hi;
  }

  /** Sample standard deviation (n - 1); null with fewer than two values, as summarizeDistribution. */
  get std(): number | null {
    return this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : null;
  }
}
