import type { BenchConfig, ServerShape } from './config.ts';
import { runCli } from './child-runs.ts';
import { spawnSseServer, type SimProcess } from './sim-process.ts';
import { fmtSpread, spread, type Spread } from './spread.ts';
import { fmtInt, renderTable } from './table.ts';

/** Jobs in the open-loop suite: `--duration` cycles through them. */
const SUITE_JOBS = 1_000;
/** The suite's concurrency: with --rate only a ceiling, set far above what the rates need. */
const CEILING = 4_096;

export interface OpenLoopRound {
  /** Arrivals the server counted in the first `durationSec` after the first one, per second. */
  arrivedPerSec: number | null;
  /** The run's own self-check: offered rate and release lag (release time - scheduled time). */
  offeredPerSec: number | null;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  lagMaxMs: number | null;
  exitCode: number | null;
}

export interface OpenLoopLevel {
  targetRate: number;
  rounds: OpenLoopRound[];
  /** arrivals at the server / target, per round. */
  arrivedShare: Spread;
  lagP99Ms: Spread;
}

export interface OpenLoopResult {
  server: ServerShape;
  durationSec: number;
  levels: OpenLoopLevel[];
}

/** Arrivals in [first, first + seconds) per second: what the server was offered. */
export function arrivalRate(arrivals: readonly number[], seconds: number): number | null {
  if (arrivals.length === 0) return null;
  const first = Math.min(...arrivals);
  let n = 0;
  for (const t of arrivals) if (t < first + seconds * 1000) n++;
  return n / seconds;
}

async function arrivals(server: SimProcess): Promise<number[]> {
  const res = await fetch(server.url.replace(/\/v1$/, '/stats?arrivals=1'));
  return ((await res.json()) as { arrivals: number[] }).arrivals;
}

/** `evalbench run --rate R --arrival constant --duration D` (CLI process) against the minimal server. */
export async function runOpenLoop(cfg: BenchConfig['openLoop'], log: (s: string) => void): Promise<OpenLoopResult> {
  const server = await spawnSseServer(cfg.server);
  const levels: OpenLoopLevel[] = [];
  try {
    for (const rate of cfg.rates) {
      const rounds: OpenLoopRound[] = [];
      for (let r = 0; r < cfg.rounds; r++) {
        log(`open loop: ${rate} req/s for ${cfg.durationSec} s, round ${r + 1}/${cfg.rounds}`);
        await arrivals(server); // forget the warm-up GET and anything earlier
        const run = await runCli({
          url: server.url, jobs: SUITE_JOBS, concurrency: CEILING, tokens: cfg.server.tokens,
          extra: ['--rate', String(rate), '--arrival', 'constant', '--duration', `${cfg.durationSec}s`],
        });
        const lag = run.selfCheck?.schedule_lag_ms ?? null;
        rounds.push({
          arrivedPerSec: arrivalRate(await arrivals(server), cfg.durationSec),
          offeredPerSec: run.selfCheck?.offered_rate_per_s ?? null,
          lagP50Ms: lag?.p50 ?? null, lagP99Ms: lag?.p99 ?? null, lagMaxMs: lag?.max ?? null,
          exitCode: run.exitCode,
        });
      }
      levels.push({
        targetRate: rate, rounds,
        arrivedShare: spread(rounds.map((x) => (x.arrivedPerSec === null ? null : x.arrivedPerSec / rate))),
        lagP99Ms: spread(rounds.map((x) => x.lagP99Ms)),
      });
    }
  } finally {
    await server.close();
  }
  return { server: cfg.server, durationSec: cfg.durationSec, levels };
}

export function renderOpenLoop(r: OpenLoopResult): string {
  const rows = r.levels.flatMap((l) => l.rounds.map((x, i) => [
    fmtInt(l.targetRate), String(i + 1), fmtInt(x.arrivedPerSec), fmtInt(x.offeredPerSec),
    x.lagP50Ms === null ? '-' : x.lagP50Ms.toFixed(2), x.lagP99Ms === null ? '-' : x.lagP99Ms.toFixed(2), x.lagMaxMs === null ? '-' : x.lagMaxMs.toFixed(1), String(x.exitCode),
  ]));
  return renderTable(
    `5. Open loop: \`evalbench run --rate R --arrival constant --duration ${r.durationSec}s\` (CLI process), arrivals counted at the server`,
    ['target/s', 'round', 'arrived/s (server)', 'offered/s (self-check)', 'lag p50 ms', 'lag p99 ms', 'lag max ms', 'exit'],
    rows,
    [
      ...r.levels.map((l) => `${fmtInt(l.targetRate)}/s: arrived / target ${fmtSpread(l.arrivedShare, 3)}, release lag p99 ${fmtSpread(l.lagP99Ms, 2, ' ms')}`),
      `server: TTFT ${r.server.ttftMs} ms, ITL ${r.server.itlMs} ms, ${r.server.tokens} tokens; arrived = POSTs in the ${r.durationSec} s after the first, divided by ${r.durationSec} s`,
    ],
  );
}
