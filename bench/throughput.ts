import autocannon from 'autocannon';
import type { BenchConfig, ServerShape } from './config.ts';
import { benchPayload } from './bench-jobs.ts';
import { runCli, runFloor, type ProbeReading } from './child-runs.ts';
import { spawnSseServer, type SimProcess } from './sim-process.ts';
import { fmtSpread, ratio, spread, type Spread } from './spread.ts';
import { fmt, fmtInt, renderTable } from './table.ts';

type Who = 'autocannon' | 'floor' | 'evalbench';

/** What the server counted of one client's run (bench/sse-server.mjs GET /stats). */
export interface ServerCount {
  posts: number;
  completed: number;
  firstArrival: number | null;
  lastEnd: number | null;
}

/** Completed requests per second as the server saw them: first arrival -> last response end. */
export function serverRate(s: ServerCount): number | null {
  if (s.firstArrival === null || s.lastEnd === null || s.lastEnd <= s.firstArrival) return null;
  return s.completed / ((s.lastEnd - s.firstArrival) / 1000);
}

/** A client's cost inside its request window (bench/peak-rss-probe.mjs). */
export interface ClientCost {
  cpuMsPer1000: number | null;
  allocKbPerRequest: number | null;
}

export function clientCost(p: ProbeReading | null): ClientCost {
  const w = p?.window;
  if (!w || w.requests === 0) return { cpuMsPer1000: null, allocKbPerRequest: null };
  return { cpuMsPer1000: (w.cpuUs / 1000 / w.requests) * 1000, allocKbPerRequest: w.allocatedBytes / 1024 / w.requests };
}

export interface ThroughputRound {
  order: Who[];
  reqPerSec: Record<Who, number | null>;
  errors: Record<Who, number>;
  ours: ClientCost;
  floor: ClientCost;
}

export interface ThroughputResult {
  server: ServerShape;
  concurrency: number;
  requestsPerRound: number;
  autocannonSec: number;
  rounds: ThroughputRound[];
  /** evalbench / autocannon and floor / autocannon, per round. */
  oursVsAutocannon: Spread;
  floorVsAutocannon: Spread;
  /** CPU and heap allocation per request, evalbench / floor, per round. */
  cpuRatio: Spread;
  allocRatio: Spread;
  ours: { reqPerSec: Spread; cpuMsPer1000: Spread; allocKbPerRequest: Spread };
  floor: { reqPerSec: Spread; cpuMsPer1000: Spread; allocKbPerRequest: Spread };
  autocannon: { reqPerSec: Spread };
}

async function serverCount(server: SimProcess): Promise<ServerCount> {
  const res = await fetch(server.url.replace(/\/v1$/, '/stats'));
  return (await res.json()) as ServerCount;
}

async function runAutocannon(url: string, connections: number, body: Buffer, seconds: number): Promise<number> {
  const r = await autocannon({
    url: `${url}/chat/completions`, method: 'POST', body, connections, pipelining: 1, duration: seconds,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
  });
  return r.errors + r.non2xx;
}

/**
 * Closed loop at one connection count against one zero-delay minimal server: autocannon (the
 * ceiling), the raw client and `evalbench run`, each in its own process but autocannon, the
 * order rotating by round. Every rate is counted by the server (first arrival -> last end).
 */
export async function runThroughput(cfg: BenchConfig['throughput'], log: (s: string) => void): Promise<ThroughputResult> {
  const server = await spawnSseServer(cfg.server);
  const rounds: ThroughputRound[] = [];
  const base = { url: server.url, concurrency: cfg.concurrency, tokens: cfg.server.tokens };
  const body = benchPayload(cfg.server.tokens);
  const clients: Record<Who, () => Promise<{ errors: number; ours?: ClientCost; floor?: ClientCost }>> = {
    autocannon: async () => ({ errors: await runAutocannon(server.url, cfg.concurrency, body, cfg.autocannonSec) }),
    floor: async () => {
      const f = await runFloor({ ...base, requests: cfg.requestsPerRound });
      return { errors: f.errors, floor: clientCost(f.probe) };
    },
    evalbench: async () => {
      const c = await runCli({ ...base, jobs: cfg.requestsPerRound });
      return { errors: c.rows - c.ok + (cfg.requestsPerRound - c.rows), ours: clientCost(c.probe) };
    },
  };
  const all: Who[] = ['evalbench', 'floor', 'autocannon'];
  try {
    log('throughput: warm-up');
    await runAutocannon(server.url, cfg.concurrency, body, 1);
    await runCli({ ...base, jobs: cfg.concurrency * 4 });
    await serverCount(server);
    for (let r = 0; r < cfg.rounds; r++) {
      const order = all.map((_, i) => all[(i + r) % all.length]);
      const round: ThroughputRound = {
        order, reqPerSec: { autocannon: null, floor: null, evalbench: null }, errors: { autocannon: 0, floor: 0, evalbench: 0 },
        ours: { cpuMsPer1000: null, allocKbPerRequest: null }, floor: { cpuMsPer1000: null, allocKbPerRequest: null },
      };
      for (const who of order) {
        log(`throughput: round ${r + 1}/${cfg.rounds}, ${who}`);
        const x = await clients[who]();
        round.reqPerSec[who] = serverRate(await serverCount(server));
        round.errors[who] = x.errors;
        if (x.ours) round.ours = x.ours;
        if (x.floor) round.floor = x.floor;
      }
      rounds.push(round);
    }
  } finally {
    await server.close();
  }
  const per = (f: (r: ThroughputRound) => number | null) => spread(rounds.map(f));
  return {
    server: cfg.server, concurrency: cfg.concurrency, requestsPerRound: cfg.requestsPerRound, autocannonSec: cfg.autocannonSec, rounds,
    oursVsAutocannon: per((r) => ratio(r.reqPerSec.evalbench, r.reqPerSec.autocannon)),
    floorVsAutocannon: per((r) => ratio(r.reqPerSec.floor, r.reqPerSec.autocannon)),
    cpuRatio: per((r) => ratio(r.ours.cpuMsPer1000, r.floor.cpuMsPer1000)),
    allocRatio: per((r) => ratio(r.ours.allocKbPerRequest, r.floor.allocKbPerRequest)),
    ours: { reqPerSec: per((r) => r.reqPerSec.evalbench), cpuMsPer1000: per((r) => r.ours.cpuMsPer1000), allocKbPerRequest: per((r) => r.ours.allocKbPerRequest) },
    floor: { reqPerSec: per((r) => r.reqPerSec.floor), cpuMsPer1000: per((r) => r.floor.cpuMsPer1000), allocKbPerRequest: per((r) => r.floor.allocKbPerRequest) },
    autocannon: { reqPerSec: per((r) => r.reqPerSec.autocannon) },
  };
}

export function renderThroughput(r: ThroughputResult): string {
  const line = (who: string, rate: Spread, cpu?: Spread, alloc?: Spread) => [who, fmtSpread(rate, 0), cpu ? fmtSpread(cpu, 0) : '-', alloc ? fmtSpread(alloc, 1) : '-'];
  return renderTable(
    `3. Closed loop: completed requests/s counted by the server, ${r.concurrency} connections, zero-delay minimal SSE server (${r.server.tokens} tokens)`,
    ['client', 'req/s median [min–max]', 'CPU ms per 1,000 req', 'heap KB allocated per req'],
    [
      line('evalbench run (CLI process)', r.ours.reqPerSec, r.ours.cpuMsPer1000, r.ours.allocKbPerRequest),
      line('raw node:http client (process)', r.floor.reqPerSec, r.floor.cpuMsPer1000, r.floor.allocKbPerRequest),
      line('autocannon (ceiling)', r.autocannon.reqPerSec),
    ],
    [
      `evalbench / autocannon: ${fmtSpread(pct(r.oursVsAutocannon), 0, '%')}; raw client / autocannon: ${fmtSpread(pct(r.floorVsAutocannon), 0, '%')} (${r.rounds.length} rounds, order rotating)`,
      `evalbench / raw client: CPU per request ${fmtSpread(r.cpuRatio, 2, 'x')}, heap allocated per request ${fmtSpread(r.allocRatio, 2, 'x')}`,
      `${fmtInt(r.requestsPerRound)} requests per client process per round, autocannon ${fmt(r.autocannonSec, 1)} s; CPU and allocation over each process's request window (first request -> last response), start-up and reports left out`,
    ],
  );
}

/** A ratio spread as percent. */
function pct(s: Spread): Spread {
  const m = (v: number | null) => (v === null ? null : v * 100);
  return { median: m(s.median), min: m(s.min), max: m(s.max), rounds: s.rounds.map(m) };
}
