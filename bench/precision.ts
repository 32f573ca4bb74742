import http from 'node:http';
import { runJobs } from '../src/run/run-jobs.ts';
import { warmUp } from '../src/run/warm-up.ts';
import type { BenchConfig } from './config.ts';
import { benchJobs, benchPayload, benchProviders, NO_RETRY } from './bench-jobs.ts';
import { offsetSummary, overheadAbove, type OffsetSummary } from './distribution.ts';
import { fetchStream, rawStream, rawTarget, runClosedLoop, type RawTiming } from './raw-client.ts';
import { spawnSimulator, type SimProcess } from './sim-process.ts';
import { fmt, fmtInt, renderTable, type Cell } from './table.ts';

/** Timings one client collected: per-request TTFT and TTFB, per-gap ITL (ms), and its CPU. */
class Samples {
  ttft: number[] = [];
  ttfb: number[] = [];
  itl: number[] = [];
  errors = 0;
  cpuMs = 0;
}

export interface ClientReading {
  requests: number;
  errors: number;
  ttft: OffsetSummary;
  itl: OffsetSummary;
  /** Headers received after send (not injected: the simulator sends headers at once). */
  ttfb: OffsetSummary;
  /** Bench-process CPU (user + system) per request, µs: load-independent cost of the client. */
  cpuUsPerRequest: number | null;
}

interface Overhead {
  p50: number | null;
  p99: number | null;
}

export interface PrecisionLevel {
  concurrency: number;
  ours: ClientReading;
  /** The floor: minimal node:http client. */
  floor: ClientReading;
  /** Diagnostic: the same minimal client over fetch (splits our overhead into fetch vs the rest). */
  fetchFloor: ClientReading;
  overhead: { ttft: Overhead; itl: Overhead; ttfb: Overhead };
  /** Simulator process CPU over the level's wall time (100 = one core busy). */
  simCpuPct: number | null;
  wallSec: number;
}

export interface PrecisionResult {
  injected: { ttftMs: number; itlMs: number; tokens: number };
  levels: PrecisionLevel[];
}

function reading(s: Samples, injected: { ttftMs: number; itlMs: number }): ClientReading {
  const n = s.ttft.length + s.errors;
  return {
    requests: n,
    errors: s.errors,
    ttft: offsetSummary(s.ttft, injected.ttftMs),
    itl: offsetSummary(s.itl, injected.itlMs),
    ttfb: offsetSummary(s.ttfb, 0),
    cpuUsPerRequest: n > 0 ? (s.cpuMs * 1000) / n : null,
  };
}

type Client = (n: number, into?: Samples) => Promise<void>;

/** Wrap a client run: add its process CPU time to the samples. */
async function timed(run: Client, n: number, into?: Samples): Promise<void> {
  const c0 = process.cpuUsage();
  await run(n, into);
  if (into) {
    const c = process.cpuUsage(c0);
    into.cpuMs += (c.user + c.system) / 1000;
  }
}

function collectRaw(into: Samples | undefined) {
  return (r: RawTiming) => {
    if (!into) return;
    if (!r.ok || r.firstTok === null) {
      into.errors++;
      return;
    }
    into.ttft.push(r.firstTok - r.send);
    if (r.hdr !== null) into.ttfb.push(r.hdr - r.send);
    for (let i = 1; i < r.tokenTimes.length; i++) into.itl.push(r.tokenTimes[i] - r.tokenTimes[i - 1]);
  };
}

function clients(baseUrl: string, concurrency: number, tokens: number, agent: http.Agent) {
  const payload = benchPayload(tokens);
  const target = rawTarget(baseUrl);
  const url = `${baseUrl}/chat/completions`;
  const text = payload.toString('utf8');
  const ours: Client = async (n, into) => {
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
  };
  const floor: Client = (n, into) => runClosedLoop(n, concurrency, () => rawStream(agent, target, payload), collectRaw(into));
  const fetchFloor: Client = (n, into) => runClosedLoop(n, concurrency, () => fetchStream(url, text), collectRaw(into));
  return { ours, floor, fetchFloor };
}

/**
 * Three clients against one simulator process with a fixed server-side TTFT and inter-token
 * delay, at each concurrency: ours (runJobs), the floor (raw node:http) and, for attribution, the
 * floor's logic over fetch. They run in rotating rounds so drift in machine load falls on all.
 */
export async function runPrecision(cfg: BenchConfig['precision'], log: (s: string) => void): Promise<PrecisionResult> {
  const sim: SimProcess = await spawnSimulator({ ttftMs: cfg.ttftMs, itlMs: cfg.itlMs });
  const injected = { ttftMs: cfg.ttftMs, itlMs: cfg.itlMs };
  const levels: PrecisionLevel[] = [];
  try {
    // Load fetch's HTTP stack (what runSuite does before the first request), then get every
    // client's code paths JIT-compiled, at a concurrency where that takes a moment.
    await warmUp(benchProviders(sim.url).values());
    const jitAgent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const jit = clients(sim.url, 32, cfg.tokens, jitAgent);
    for (const run of [jit.ours, jit.floor, jit.fetchFloor]) await run(200);
    jitAgent.destroy();
    for (const { concurrency, requests } of cfg.levels) {
      log(`precision: concurrency ${concurrency}, ${requests} requests per client`);
      const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
      const c = clients(sim.url, concurrency, cfg.tokens, agent);
      const order: [keyof typeof c, Samples][] = [['ours', new Samples()], ['floor', new Samples()], ['fetchFloor', new Samples()]];
      // Warm-up at this level: every client opens its `concurrency` pooled connections.
      for (const [name] of order) await c[name](concurrency * 2);
      const per = Math.max(1, Math.ceil(requests / cfg.rounds));
      const cpu0 = sim.cpuMs();
      const t0 = performance.now();
      for (let r = 0; r < cfg.rounds; r++) {
        for (let k = 0; k < order.length; k++) {
          const [name, into] = order[(r + k) % order.length];
          await timed(c[name], per, into);
        }
      }
      const wallMs = performance.now() - t0;
      const cpu1 = sim.cpuMs();
      agent.destroy();
      const [o, f, ff] = order.map(([, s]) => reading(s, injected));
      levels.push({
        concurrency,
        ours: o,
        floor: f,
        fetchFloor: ff,
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
      String(l.concurrency), who, fmtInt(x.requests - x.errors), String(x.errors),
      fmt(x.ttft.p50, 3), fmt(x.ttft.p99, 3), fmt(x.ttft.max, 3),
      fmt(x.itl.p50, 3), fmt(x.itl.p99, 3), fmt(x.itl.max, 3), fmt(x.ttfb.p50, 3), fmt(x.ttfb.p99, 3), fmtInt(x.cpuUsPerRequest),
    ];
    rows.push(line('ours (runJobs)', l.ours));
    rows.push(line('floor: raw node:http', l.floor));
    rows.push(line('diag: same over fetch', l.fetchFloor));
    rows.push([
      String(l.concurrency), 'OVERHEAD ours - floor', '', '',
      fmt(l.overhead.ttft.p50, 3), fmt(l.overhead.ttft.p99, 3), '',
      fmt(l.overhead.itl.p50, 3), fmt(l.overhead.itl.p99, 3), '', fmt(l.overhead.ttfb.p50, 3), fmt(l.overhead.ttfb.p99, 3), '',
    ]);
  }
  const notes = [
    `injected server-side: TTFT ${r.injected.ttftMs} ms, ITL ${r.injected.itlMs} ms, ${r.injected.tokens} tokens/answer; simulator in its own process`,
    'TTFT/ITL columns: measured minus injected (ms). TTFB: measured (the simulator sends headers at once). cpu/req: bench-process CPU per request (µs)',
    ...r.levels.map((l) => `concurrency ${l.concurrency}: ${fmt(l.wallSec, 1)} s for all clients, simulator CPU ${fmt(l.simCpuPct, 0)}% of one core`),
  ];
  return renderTable(
    '2. Precision: measured - injected (ms), ours vs a minimal node:http client in the same run',
    ['conc', 'client', 'ok', 'err', 'TTFT p50', 'TTFT p99', 'TTFT max', 'ITL p50', 'ITL p99', 'ITL max', 'TTFB p50', 'TTFB p99', 'cpu/req'],
    rows,
    notes,
  );
}
