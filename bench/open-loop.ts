import { runJobs } from '../src/run/run-jobs.ts';
import { warmUp } from '../src/session/warm-up.ts';
import type { BenchConfig } from './config.ts';
import { benchJob, benchProviders, NO_RETRY } from './bench-jobs.ts';
import { offsetSummary, type OffsetSummary } from './distribution.ts';
import { spawnSimulator } from './sim-process.ts';
import { fmt, fmtInt, renderTable } from './table.ts';

/** Delays of the open-loop target: short answers, so the client (not the server) is under test. */
export const OPEN_LOOP_SIM = { ttftMs: 10, itlMs: 2 };

export interface OpenLoopLevel {
  targetRate: number;
  /** Arrivals released per second over the measured schedule. */
  offeredRate: number;
  /** Successful requests per second over the same window. */
  completedRate: number;
  released: number;
  ok: number;
  errors: number;
  incomplete: number;
  /** releasedAt - dueAt per arrival (ms): how late the client released what the schedule said. */
  scheduleLag: OffsetSummary;
  /** Rows' queue_ms (waiting for a slot after release; 0 without a concurrency ceiling). */
  maxInFlight: number;
  simCpuPct: number | null;
}

export interface OpenLoopResult {
  durationSec: number;
  tokens: number;
  sim: { ttftMs: number; itlMs: number };
  levels: OpenLoopLevel[];
}

/** Open loop (Poisson arrivals, no concurrency ceiling, no retries) at each target rate. */
export async function runOpenLoop(cfg: BenchConfig['openLoop'], log: (s: string) => void): Promise<OpenLoopResult> {
  const sim = await spawnSimulator(OPEN_LOOP_SIM);
  const levels: OpenLoopLevel[] = [];
  const jobs = Array.from({ length: 256 }, (_, i) => benchJob(i, cfg.tokens));
  try {
    await warmUp(benchProviders(sim.url).values());
    for (const rate of cfg.rates) {
      log(`open loop: ${rate} req/s for ${cfg.durationSec} s`);
      const lags: number[] = [];
      let firstDue = Number.POSITIVE_INFINITY;
      let lastDue = 0;
      const s0 = sim.cpuMs();
      const t0 = performance.now();
      const r = await runJobs(jobs, {
        providers: benchProviders(sim.url),
        concurrency: Number.POSITIVE_INFINITY,
        retry: NO_RETRY,
        mode: { kind: 'open', rate, arrival: 'poisson' },
        durationMs: cfg.durationSec * 1000,
        durationGraceMs: 5000,
        warmup: { ms: 500 },
        onRelease: (info) => {
          if (info.warmup) return;
          lags.push(info.releasedAt - info.dueAt);
          if (info.dueAt < firstDue) firstDue = info.dueAt;
          if (info.dueAt > lastDue) lastDue = info.dueAt;
        },
        onRow: () => {},
      });
      const wallMs = performance.now() - t0;
      const s1 = sim.cpuMs();
      const sec = cfg.durationSec;
      levels.push({
        targetRate: rate,
        offeredRate: lags.length / sec,
        completedRate: r.ok / sec,
        released: lags.length,
        ok: r.ok,
        errors: r.errors,
        incomplete: r.incomplete,
        scheduleLag: offsetSummary(lags, 0),
        maxInFlight: r.maxInFlight,
        simCpuPct: s0 === null || s1 === null ? null : ((s1 - s0) / wallMs) * 100,
      });
    }
  } finally {
    await sim.close();
  }
  return { durationSec: cfg.durationSec, tokens: cfg.tokens, sim: OPEN_LOOP_SIM, levels };
}

export function renderOpenLoop(r: OpenLoopResult): string {
  return renderTable(
    `5. Open loop: achieved rate vs target (Poisson arrivals, ${r.durationSec} s each after 0.5 s warm-up, no ceiling, no retries)`,
    ['target/s', 'offered/s', 'completed/s', 'ok', 'errors', 'incomplete', 'lag p50 ms', 'lag p99 ms', 'lag max ms', 'max in flight', 'sim CPU %'],
    r.levels.map((l) => [
      fmtInt(l.targetRate), fmtInt(l.offeredRate), fmtInt(l.completedRate), fmtInt(l.ok), String(l.errors), String(l.incomplete),
      fmt(l.scheduleLag.p50, 3), fmt(l.scheduleLag.p99, 3), fmt(l.scheduleLag.max, 3), fmtInt(l.maxInFlight), fmt(l.simCpuPct, 0),
    ]),
    [`simulator: TTFT ${r.sim.ttftMs} ms, ITL ${r.sim.itlMs} ms, ${r.tokens} tokens/answer; lag = release time - scheduled arrival time`],
  );
}
