import type { BenchConfig, ServerShape } from './config.ts';
import { runCli, runFloor, type CliRun, type FloorRun } from './child-runs.ts';
import { spawnSseServer } from './sim-process.ts';
import { fmtSpread, spread, type Spread } from './spread.ts';
import { fmt, fmtInt, renderTable } from './table.ts';
import { summarizeDistribution } from '../src/measure/statistics.ts';

/** One round: both clients' TTFT percentiles (ms) and ours minus the floor's. */
export interface PairedRound {
  order: ('evalbench' | 'floor')[];
  ours: { ok: number; p50: number | null; p99: number | null; eventLoopP99: number | null; gcPauseMaxMs: number | null };
  floor: { ok: number; p50: number | null; p99: number | null; gcPauseMaxMs: number | null };
  overheadP50: number | null;
  overheadP99: number | null;
}

export interface PairedResult {
  server: ServerShape;
  concurrency: number;
  requestsPerRound: number;
  rounds: PairedRound[];
  overheadP50: Spread;
  overheadP99: Spread;
}

const sub = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

function percentiles(ttft: readonly number[]) {
  const d = summarizeDistribution(ttft);
  return { p50: d.p50, p99: d.p99 };
}

/**
 * TTFT of a real `evalbench run` (CLI child process, results.jsonl read back) against the raw
 * node:http floor client (its own process), on one minimal SSE server with a fixed TTFT, taking
 * turns: the client that goes first alternates by round, so drift in machine load falls on both.
 */
export async function runPaired(cfg: BenchConfig['paired'], log: (s: string) => void): Promise<PairedResult> {
  const server = await spawnSseServer(cfg.server);
  const rounds: PairedRound[] = [];
  try {
    const base = { url: server.url, concurrency: cfg.concurrency, tokens: cfg.server.tokens };
    log('paired: warm-up (file cache, JIT of the server)');
    await runCli({ ...base, jobs: cfg.concurrency * 2 });
    await runFloor({ ...base, requests: cfg.concurrency * 2 });
    for (let r = 0; r < cfg.rounds; r++) {
      const order: PairedRound['order'] = r % 2 === 0 ? ['evalbench', 'floor'] : ['floor', 'evalbench'];
      let ours: CliRun | undefined;
      let floor: FloorRun | undefined;
      for (const who of order) {
        log(`paired: round ${r + 1}/${cfg.rounds}, ${who}, ${cfg.requestsPerRound} requests at ${cfg.concurrency} streams`);
        if (who === 'evalbench') ours = await runCli({ ...base, jobs: cfg.requestsPerRound });
        else floor = await runFloor({ ...base, requests: cfg.requestsPerRound });
      }
      const o = percentiles(ours!.ttftMs);
      const f = percentiles(floor!.ttftMs);
      rounds.push({
        order,
        ours: { ok: ours!.ok, ...o, eventLoopP99: ours!.selfCheck?.event_loop_delay_ms.p99 ?? null, gcPauseMaxMs: ours!.probe?.window?.gcPauseMaxMs ?? null },
        floor: { ok: floor!.ok, ...f, gcPauseMaxMs: floor!.probe?.window?.gcPauseMaxMs ?? null },
        overheadP50: sub(o.p50, f.p50),
        overheadP99: sub(o.p99, f.p99),
      });
    }
  } finally {
    await server.close();
  }
  return {
    server: cfg.server, concurrency: cfg.concurrency, requestsPerRound: cfg.requestsPerRound, rounds,
    overheadP50: spread(rounds.map((r) => r.overheadP50)),
    overheadP99: spread(rounds.map((r) => r.overheadP99)),
  };
}

export function renderPaired(r: PairedResult): string {
  return renderTable(
    `2. TTFT: \`evalbench run\` (CLI process) vs the raw node:http client (own process), ${r.concurrency} streams, one minimal SSE server`,
    ['round', 'first', 'ours ok', 'ours p50', 'ours p99', 'floor ok', 'floor p50', 'floor p99', 'over p50', 'over p99', 'ours loop p99', 'ours GC max', 'floor GC max'],
    r.rounds.map((x, i) => [
      String(i + 1), x.order[0], fmtInt(x.ours.ok), fmt(x.ours.p50, 3), fmt(x.ours.p99, 3), fmtInt(x.floor.ok), fmt(x.floor.p50, 3), fmt(x.floor.p99, 3),
      fmt(x.overheadP50, 3), fmt(x.overheadP99, 3), fmt(x.ours.eventLoopP99, 1), fmt(x.ours.gcPauseMaxMs, 1), fmt(x.floor.gcPauseMaxMs, 1),
    ]),
    [
      `server: TTFT ${r.server.ttftMs} ms, ITL ${r.server.itlMs} ms, ${r.server.tokens} tokens; ${fmtInt(r.requestsPerRound)} requests per client per round`,
      `TTFT overhead (ours - floor), median [min–max] over ${r.rounds.length} rounds: p50 ${fmtSpread(r.overheadP50, 3, ' ms', true)}, p99 ${fmtSpread(r.overheadP99, 3, ' ms', true)}`,
      'ours = ttft_ms of each row of results.jsonl; loop p99 = the run\'s own event-loop self-check; GC max = longest GC pause in the request window (ms)',
    ],
  );
}
