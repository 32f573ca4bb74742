import type { PrecisionResult } from './precision.ts';
import type { ThroughputResult } from './throughput.ts';
import type { ScaleResult } from './scale.ts';
import { fmt, renderTable } from './table.ts';

/** The targets. */
export const GOALS = {
  ttftOverheadP50Ms: 0.5,
  ttftOverheadP99Ms: 2,
  goalConcurrency: 64,
  minAutocannonRatio: 0.6,
  maxWallSec: 300,
} as const;

export interface GoalCheck {
  goal: string;
  value: string;
  /** null = not measured in this run. */
  met: boolean | null;
}

export interface GoalInputs {
  precision?: PrecisionResult;
  throughput?: ThroughputResult;
  scale?: ScaleResult;
  wallSec: number;
}

export function checkGoals(x: GoalInputs): GoalCheck[] {
  const out: GoalCheck[] = [];
  const at = x.precision?.levels.find((l) => l.concurrency === GOALS.goalConcurrency);
  // Paired: each request's TTFT less the simulator's own record of it (the simulator's jitter out).
  const p50 = at?.overhead.paired.p50 ?? null;
  const p99 = at?.overhead.paired.p99 ?? null;
  out.push({
    goal: `TTFT overhead above raw floor (paired), p50 @${GOALS.goalConcurrency} < ${GOALS.ttftOverheadP50Ms} ms`,
    value: p50 === null ? 'not run' : `${fmt(p50, 3)} ms`,
    met: p50 === null ? null : p50 < GOALS.ttftOverheadP50Ms,
  });
  out.push({
    goal: `TTFT overhead above raw floor (paired), p99 @${GOALS.goalConcurrency} < ${GOALS.ttftOverheadP99Ms} ms`,
    value: p99 === null ? 'not run' : `${fmt(p99, 3)} ms`,
    met: p99 === null ? null : p99 < GOALS.ttftOverheadP99Ms,
  });
  const ratio = x.throughput?.ratio ?? null;
  out.push({
    goal: `throughput >= ${GOALS.minAutocannonRatio * 100}% of autocannon`,
    value: ratio === null ? 'not run' : `${fmt(ratio * 100, 1)}%`,
    met: ratio === null ? null : ratio >= GOALS.minAutocannonRatio,
  });
  // Retained memory (the heap after a full GC), not peak RSS: RSS is mostly garbage V8 lets pile
  // up before a full GC, so its slope between two runs swings with GC timing on the same code.
  const live = x.scale?.liveGrowth;
  const rss = x.scale?.growth;
  out.push({
    goal: 'memory flat across run sizes (live heap after full GC)',
    value: live?.mbPer100kJobs == null || !live.between
      ? 'not run'
      : `${fmt(live.mbPer100kJobs, 1)} MB per 100k jobs (${live.between[0]} -> ${live.between[1]} jobs); peak RSS ${fmt(rss?.mbPer100kJobs ?? null, 1)} MB per 100k`,
    met: live?.flat ?? null,
  });
  out.push({ goal: `whole bench < ${GOALS.maxWallSec} s`, value: `${fmt(x.wallSec, 0)} s`, met: x.wallSec < GOALS.maxWallSec });
  return out;
}

export function renderGoals(checks: readonly GoalCheck[]): string {
  return renderTable(
    'Goals',
    ['goal', 'measured', 'status'],
    checks.map((c) => [c.goal, c.value, c.met === null ? 'n/a' : c.met ? 'MET' : 'MISSED']),
  );
}
