import http from 'node:http';
import { runJobs } from '../src/run/run-jobs.ts';
import { warmUp } from '../src/run/warm-up.ts';
import type { BenchConfig } from './config.ts';
import { benchJobs, benchPayload, benchProviders, NO_RETRY } from './bench-jobs.ts';
import { offsetSummary, overheadAbove, type OffsetSummary } from './distribution.ts';
import { rawStream, rawTarget, runRawClosedLoop } from './raw-client.ts';
import { spawnSimulator, type SimProcess } from './sim-process.ts';
import { fmt, fmtInt, renderTable, type Cell } from './table.ts';

/** Timings one client collected: per-request TTFT and TTFB, per-gap ITL (ms). */
class Samples {
  ttft: number[] = [];
  ttfb: number[] = [];
  itl: number[] = [];
  errors = 0;
}

export interface ClientReading {
  requests: number;
  errors: number;
  ttft: OffsetSummary;
  itl: OffsetSummary;
  /** Headers received after send (not injected: the simulator sends headers at once). */
  ttfb: OffsetSummary;
}

export interface PrecisionLevel {
  concurrency: number;
  ours: ClientReading;
  floor: ClientReading;
  overhead: { ttft: { p50: number | null; p99: number | null }; itl: { p50: number | null; p99: number | null }; ttfb: { p50: number | null; p99: number | null } };
  /** Simulator process CPU over the level's wall time (100 = one core busy). */
  simCpuPct: number | null;
  wallSec: number;
}

export interface PrecisionResult {
  injected: { ttftMs: number; itlMs: number; tokens: number };
  levels: PrecisionLevel[];
}

function reading(s: Samples, injected: { ttftMs: number; itlMs: number }): ClientReading {
  return {
    requests: s.ttft.length + s.errors,
    errors: s.errors,
    ttft: offsetSummary(s.ttft, injected.ttftMs),
    itl: offsetSummary(s.itl, injected.itlMs),
    ttfb: offsetSummary(s.ttfb, 0),
  };
}

async function runOurs(baseUrl: string, n: number, concurrency: number, tokens: number, into?: Samples): Promise<void> {
  await runJobs(benchJobs(n, tokens), {
    providers: benchProviders(baseUrl),
    concurrency,
    retry: NO_RETRY,
    onRow: (row) => {
      if (!into) return;
      if (row.status !== 'ok' || row.ttft_ms === null) {
        into.errors++;
        return;
      }
      into.ttft.push(row.ttft_ms);
      if (row.ttfb_ms !== null) into.ttfb.push(row.ttfb_ms);
      for (const g of row.itl_samples) into.itl.push(g);
    },
  });
}

async function runFloor(agent: http.Agent, baseUrl: string, payload: Buffer, n: number, concurrency: number, into?: Samples): Promise<void> {
  const target = rawTarget(baseUrl);
  await runRawClosedLoop(agent, target, payload, n, concurrency, (r) => {
    if (!into) return;
    if (!r.ok || r.firstTok === null) {
      into.errors++;
      return;
    }
    into.ttft.push(r.firstTok - r.send);
    if (r.hdr !== null) into.ttfb.push(r.hdr - r.send);
    for (let i = 1; i < r.tokenTimes.length; i++) into.itl.push(r.tokenTimes[i] - r.tokenTimes[i - 1]);
  });
}

/**
 * Both clients against one simulator process with a fixed server-side TTFT and inter-token
 * delay, at each concurrency. The two run in alternating rounds (ours, floor, floor, ours, ...)
 * so drift in machine load falls on both alike.
 */
export async function runPrecision(cfg: BenchConfig['precision'], log: (s: string) => void): Promise<PrecisionResult> {
  const sim: SimProcess = await spawnSimulator({ ttftMs: cfg.ttftMs, itlMs: cfg.itlMs });
  const payload = benchPayload(cfg.tokens);
  const injected = { ttftMs: cfg.ttftMs, itlMs: cfg.itlMs };
  const levels: PrecisionLevel[] = [];
  try {
    // Load fetch's HTTP stack and the raw client's code paths once.
    await warmUp(benchProviders(sim.url).values());
    for (const { concurrency, requests } of cfg.levels) {
      log(`precision: concurrency ${concurrency}, ${requests} requests per client`);
      const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
      // Warm-up round: opens `concurrency` pooled connections for each client, JITs the paths.
      await runOurs(sim.url, concurrency * 2, concurrency, cfg.tokens);
      await runFloor(agent, sim.url, payload, concurrency * 2, concurrency);
      const ours = new Samples();
      const floor = new Samples();
      const per = Math.max(1, Math.ceil(requests / cfg.rounds));
      const cpu0 = sim.cpuMs();
      const t0 = performance.now();
      for (let r = 0; r < cfg.rounds; r++) {
        if (r % 2 === 0) {
          await runOurs(sim.url, per, concurrency, cfg.tokens, ours);
          await runFloor(agent, sim.url, payload, per, concurrency, floor);
        } else {
          await runFloor(agent, sim.url, payload, per, concurrency, floor);
          await runOurs(sim.url, per, concurrency, cfg.tokens, ours);
        }
      }
      const wallMs = performance.now() - t0;
      const cpu1 = sim.cpuMs();
      agent.destroy();
      const o = reading(ours, injected);
      const f = reading(floor, injected);
      levels.push({
        concurrency,
        ours: o,
        floor: f,
        overhead: { ttft: overheadAbove(o.ttft, f.ttft), itl: overheadAbove(o.itl, f.itl), ttfb: overheadAbove(o.ttfb, f.ttfb) },
        simCpuPct: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) / wallMs) * 100,
        wallSec: wallMs / 1000,
      });
    }
  } finally {
    await sim.close();
  }
  return { injected: { ttftMs: cfg.ttftMs, itlMs: cfg.itlMs, tokens: cfg.tokens }, levels };
}

export function renderPrecision(r: PrecisionResult): string {
  const rows: Cell[][] = [];
  for (const l of r.levels) {
    const line = (who: string, x: ClientReading): Cell[] => [
      l.concurrency, who, fmtInt(x.requests - x.errors), x.errors,
      fmt(x.ttft.p50, 3), fmt(x.ttft.p99, 3), fmt(x.ttft.max, 3),
      fmt(x.itl.p50, 3), fmt(x.itl.p99, 3), fmt(x.itl.max, 3), fmt(x.ttfb.p50, 3), fmt(x.ttfb.p99, 3),
    ];
    rows.push(line('ours (runJobs)', l.ours));
    rows.push(line('floor (raw node:http)', l.floor));
    rows.push([
      l.concurrency, 'overhead = ours - floor', '', '',
      fmt(l.overhead.ttft.p50, 3), fmt(l.overhead.ttft.p99, 3), '',
      fmt(l.overhead.itl.p50, 3), fmt(l.overhead.itl.p99, 3), '', fmt(l.overhead.ttfb.p50, 3), fmt(l.overhead.ttfb.p99, 3),
    ]);
  }
  const notes = [
    `injected server-side: TTFT ${r.injected.ttftMs} ms, ITL ${r.injected.itlMs} ms, ${r.injected.tokens} tokens/answer; simulator in its own process`,
    `TTFT/ITL columns are measured minus injected (ms); TTFB is measured (the simulator sends headers at once)`,
    ...r.levels.map((l) => `concurrency ${l.concurrency}: ${fmt(l.wallSec, 1)} s, simulator CPU ${fmt(l.simCpuPct, 0)}% of one core`),
  ];
  return renderTable(
    '2. Precision: measured - injected (ms), ours vs a minimal node:http client in the same run',
    ['conc', 'client', 'ok', 'err', 'TTFT p50', 'TTFT p99', 'TTFT max', 'ITL p50', 'ITL p99', 'ITL max', 'TTFB p50', 'TTFB p99'],
    rows,
    notes,
  );
}
