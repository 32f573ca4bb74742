import type { PairedResult } from './paired.ts';
import type { ThroughputResult } from './throughput.ts';
import type { ScaleResult } from './scale.ts';
import type { OpenLoopResult } from './open-loop.ts';
import { fmtSpread, spread, type Spread } from './spread.ts';
import { fmt, renderTable } from './table.ts';

/** The targets (issue 13). Never loosen one to make it pass: a miss is reported as such. */
export const GOALS = {
  ttftOverheadP50Ms: 0.5,
  ttftOverheadP99Ms: 2,
  minAutocannonRatio: 0.6,
  openLoopRate: 2_000,
  openLoopMaxShortfall: 0.05,
  openLoopLagP99Ms: 5,
  peakRssMbAt100k: 250,
  peakRssMbAt1M: 300,
  maxCpuRatio: 2,
  maxAllocRatio: 2,
} as const;

export interface GoalCheck {
  goal: string;
  value: string;
  /** null = not measured in this run. */
  met: boolean | null;
  /** When missed: by how much, in the goal's own unit. */
  missedBy?: string;
}

export interface GoalInputs {
  paired?: PairedResult;
  throughput?: ThroughputResult;
  openLoop?: OpenLoopResult;
  memory?: ScaleResult;
}

/** `value < limit` (or `>`, `higherIsBetter`) judged on the median over rounds. */
function check(goal: string, s: Spread | undefined, limit: number, opts: { digits: number; unit: string; higherIsBetter?: boolean; scale?: number; sign?: boolean }): GoalCheck {
  const k = opts.scale ?? 1;
  const m = s?.median ?? null;
  if (!s || m === null) return { goal, value: 'not run', met: null };
  const scaled: Spread = { median: m * k, min: s.min === null ? null : s.min * k, max: s.max === null ? null : s.max * k, rounds: [] };
  const met = opts.higherIsBetter ? m >= limit : m < limit;
  const by = Math.abs(m - limit) * k;
  return { goal, value: fmtSpread(scaled, opts.digits, opts.unit, opts.sign), met, ...(met ? {} : { missedBy: `${fmt(by, opts.digits)}${opts.unit}` }) };
}

export function checkGoals(x: GoalInputs): GoalCheck[] {
  const out: GoalCheck[] = [];
  const conc = x.paired?.concurrency ?? 64;
  out.push(check(`TTFT overhead above the raw client @${conc} streams, p50 < ${GOALS.ttftOverheadP50Ms} ms`, x.paired?.overheadP50, GOALS.ttftOverheadP50Ms, { digits: 3, unit: ' ms', sign: true }));
  out.push(check(`TTFT overhead above the raw client @${conc} streams, p99 < ${GOALS.ttftOverheadP99Ms} ms`, x.paired?.overheadP99, GOALS.ttftOverheadP99Ms, { digits: 3, unit: ' ms', sign: true }));
  out.push(check(`closed-loop req/s >= ${GOALS.minAutocannonRatio * 100}% of autocannon (same server, ${x.throughput?.concurrency ?? 64} connections)`,
    x.throughput?.oursVsAutocannon, GOALS.minAutocannonRatio, { digits: 0, unit: '%', higherIsBetter: true, scale: 100 }));
  const ol = x.openLoop?.levels.find((l) => l.targetRate === GOALS.openLoopRate);
  const share = ol?.arrivedShare;
  const shortfall: Spread | undefined = share && {
    median: share.median === null ? null : Math.abs(1 - share.median), min: null, max: null, rounds: [],
  };
  const olCheck = check(`open loop ${GOALS.openLoopRate}/s: arrivals at the server within ${GOALS.openLoopMaxShortfall * 100}% of target`, shortfall, GOALS.openLoopMaxShortfall, { digits: 1, unit: '%', scale: 100 });
  if (share && share.median !== null) olCheck.value = `${fmtSpread({ ...share, median: share.median * 100, min: share.min! * 100, max: share.max! * 100 }, 1, '%')} of target`;
  out.push(olCheck);
  out.push(check(`open loop ${GOALS.openLoopRate}/s: release lag p99 < ${GOALS.openLoopLagP99Ms} ms`, ol?.lagP99Ms, GOALS.openLoopLagP99Ms, { digits: 2, unit: ' ms' }));
  const rss = (jobs: number): Spread | undefined => {
    const v = (x.memory?.runs ?? []).filter((run) => run.jobs === jobs && run.exitCode === 0 && run.peakRssMb != null).map((run) => run.peakRssMb!);
    return v.length === 0 ? undefined : spread(v);
  };
  out.push(check(`peak RSS at 100,000 jobs < ${GOALS.peakRssMbAt100k} MB`, rss(100_000), GOALS.peakRssMbAt100k, { digits: 0, unit: ' MB' }));
  out.push(check(`peak RSS at 1,000,000 jobs < ${GOALS.peakRssMbAt1M} MB`, rss(1_000_000), GOALS.peakRssMbAt1M, { digits: 0, unit: ' MB' }));
  out.push(check(`CPU per 1,000 requests <= ${GOALS.maxCpuRatio}x the raw client's`, x.throughput?.cpuRatio, GOALS.maxCpuRatio, { digits: 2, unit: 'x' }));
  out.push(check(`heap allocated per streamed request <= ${GOALS.maxAllocRatio}x the raw client's`, x.throughput?.allocRatio, GOALS.maxAllocRatio, { digits: 2, unit: 'x' }));
  return out;
}

export function renderGoals(checks: readonly GoalCheck[]): string {
  return renderTable(
    'Goals (median over rounds [min–max])',
    ['goal', 'measured', 'status'],
    checks.map((c) => [c.goal, c.value, c.met === null ? 'n/a (not run)' : c.met ? 'MET' : `MISSED by ${c.missedBy}`]),
  );
}
