import http from 'node:http';
import { runJobs } from '../src/run/run-jobs.ts';
import { warmUp } from '../src/session/warm-up.ts';
import type { BenchConfig } from './config.ts';
import { benchJobs, benchPayload, benchProviders, NO_RETRY, RECORD_TIMING_HEADERS, taggedPrompt } from './bench-jobs.ts';
import { offsetSummary, overheadAbove, type OffsetSummary } from './distribution.ts';
import { fetchStream, rawStream, rawTarget, runClosedLoop, type RawTiming } from './raw-client.ts';
import { spawnSimulator, type SimProcess } from './sim-process.ts';
import { sendChatCompletion } from '../src/providers/openai-client.ts';
import { monotonicOffsetMs, type SimTiming } from '../src/providers/sim/timing-log.ts';

/** This process's performance.now() → the machine-wide monotonic clock the simulator stamps with. */
const OFFSET_MS = monotonicOffsetMs();

/** What a client saw of one request, by prompt, until paired with the simulator's record. */
interface ClientStamps {
  /** performance.now() of this process. */
  send: number;
  firstTok: number;
}
import { fmt, fmtInt, renderTable, type Cell } from './table.ts';

/** Timings one client collected: per-request TTFT and TTFB, per-gap ITL (ms), and its CPU. */
class Samples {
  ttft: number[] = [];
  ttfb: number[] = [];
  itl: number[] = [];
  errors = 0;
  cpuMs = 0;
  /** Stamps by prompt, until paired with the simulator's record of the same request. */
  byKey = new Map<string, ClientStamps>();
  /** Client TTFT minus the simulator's own TTFT of the same request (ms): sendLeg + deliveryLeg. */
  paired: number[] = [];
  /** Client's send stamp → the simulator's handler got the request (includes the simulator's own queueing). */
  sendLeg: number[] = [];
  /** The simulator handed the first token to its socket → the client stamped it (ms). */
  deliveryLeg: number[] = [];
  /** Requests the simulator had no record of (should be 0). */
  unpaired = 0;
}

export interface ClientReading {
  requests: number;
  errors: number;
  ttft: OffsetSummary;
  itl: OffsetSummary;
  /** Headers received after send (not injected: the simulator sends headers at once). */
  ttfb: OffsetSummary;
  /**
   * Per request: client TTFT minus the TTFT the simulator itself recorded (request head in →
   * first token handed to the socket). What is left is the client's own cost plus loopback,
   * without the simulator's timer lateness or queueing.
   */
  paired: OffsetSummary;
  sendLeg: OffsetSummary;
  /** Per request: the simulator wrote the first token → the client stamped it (machine-wide monotonic clock). */
  deliveryLeg: OffsetSummary;
  unpaired: number;
  /** Bench-process CPU (user + system) per request, µs: load-independent cost of the client. */
  cpuUsPerRequest: number | null;
}

export interface Overhead {
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
  /** ours minus floor: `paired` is the headline (the simulator's own jitter taken out per request). */
  overhead: { paired: Overhead; pairedRoundMedian: Overhead; deliveryLeg: Overhead; ttft: Overhead; itl: Overhead; ttfb: Overhead };
  /**
   * The paired overhead of each round alone (the clients take turns within a round): a burst of
   * load from outside falls on one round, and the median over rounds leaves it out.
   */
  pairedRounds: Overhead[];
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
    paired: offsetSummary(s.paired, 0),
    sendLeg: offsetSummary(s.sendLeg, 0),
    deliveryLeg: offsetSummary(s.deliveryLeg, 0),
    unpaired: s.unpaired,
    cpuUsPerRequest: n > 0 ? (s.cpuMs * 1000) / n : null,
  };
}

/** Run `n` requests; `tag` makes their prompts unique (`<tag>-<i>`) for pairing. */
type Client = (n: number, tag: string, into?: Samples) => Promise<void>;

/** The simulator's timing records since the last call (src/providers/sim/timing-log.ts). */
async function simTimings(baseUrl: string): Promise<SimTiming[]> {
  const res = await fetch(new URL('/sim/timings', baseUrl));
  const body = (await res.json()) as { timings: SimTiming[]; dropped: number };
  if (body.dropped > 0) throw new Error(`the simulator dropped ${body.dropped} timing records`);
  return body.timings;
}

/** Wrap a client run: add its process CPU time to the samples, then pair its TTFTs with the simulator's. */
async function timed(run: Client, n: number, tag: string, baseUrl: string, into: Samples): Promise<void> {
  await simTimings(baseUrl); // forget records of earlier, unmeasured runs
  const c0 = process.cpuUsage();
  await run(n, tag, into);
  const c = process.cpuUsage(c0);
  into.cpuMs += (c.user + c.system) / 1000;
  for (const t of await simTimings(baseUrl)) {
    const c = into.byKey.get(t.key);
    if (c === undefined) continue;
    into.paired.push(c.firstTok - c.send - t.ttft_ms);
    into.sendLeg.push(t.recv_at_ms - (c.send + OFFSET_MS));
    into.deliveryLeg.push(c.firstTok + OFFSET_MS - t.sent_at_ms);
    into.byKey.delete(t.key);
  }
  into.unpaired += into.byKey.size;
  into.byKey.clear();
}

function collectRaw(into: Samples | undefined, key: string) {
  return (r: RawTiming) => {
    if (!into) return;
    if (!r.ok || r.firstTok === null) {
      into.errors++;
      return;
    }
    into.ttft.push(r.firstTok - r.send);
    into.byKey.set(key, { send: r.send, firstTok: r.firstTok });
    if (r.hdr !== null) into.ttfb.push(r.hdr - r.send);
    for (let i = 1; i < r.tokenTimes.length; i++) into.itl.push(r.tokenTimes[i] - r.tokenTimes[i - 1]);
  };
}

/** A closed loop of raw requests, each with its own tagged prompt (built before its send stamp). */
function rawClient(concurrency: number, tokens: number, one: (payload: Buffer) => Promise<RawTiming>): Client {
  return async (n, tag, into) => {
    let i = 0;
    await runClosedLoop(n, concurrency, async () => {
      const k = i++;
      const r = await one(benchPayload(tokens, tag, k));
      collectRaw(into, taggedPrompt(`${tag}-${k}`))(r);
      return r;
    }, () => {});
  };
}

function clients(baseUrl: string, concurrency: number, tokens: number, agent: http.Agent) {
  const target = rawTarget(baseUrl);
  const url = `${baseUrl}/chat/completions`;
  const ours: Client = async (n, tag, into) => {
    await runJobs(benchJobs(n, tokens, tag), {
      providers: benchProviders(baseUrl, RECORD_TIMING_HEADERS),
      // The attempt's own stamps, for pairing with the simulator's record (read after the stream ended).
      send: async (req, deps) => {
        const r = await sendChatCompletion(req, deps);
        const m = req.body.messages[req.body.messages.length - 1];
        if (into && r.ok && r.marks.firstTok !== null && typeof m?.content === 'string') {
          into.byKey.set(m.content, { send: r.marks.send, firstTok: r.marks.firstTok });
        }
        return r;
      },
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
  const floor = rawClient(concurrency, tokens, (p) => rawStream(agent, target, p, RECORD_TIMING_HEADERS));
  const fetchFloor = rawClient(concurrency, tokens, (p) => fetchStream(url, p.toString('utf8'), RECORD_TIMING_HEADERS));
  return { ours, floor, fetchFloor };
}

/**
 * Three clients against one simulator process with a fixed server-side TTFT and inter-token
 * delay, at each concurrency: ours (runJobs), the floor (raw node:http) and, for attribution, the
 * floor's logic over fetch. Ours and the floor run in alternating rounds so drift in machine load
 * falls on both; the fetch diagnostic runs after them.
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
    for (const run of [jit.ours, jit.floor, jit.fetchFloor]) await run(200, 'jit');
    jitAgent.destroy();
    for (const { concurrency, requests } of cfg.levels) {
      log(`precision: concurrency ${concurrency}, ${requests} requests per client`);
      const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
      const c = clients(sim.url, concurrency, cfg.tokens, agent);
      // ours and the floor take turns; the fetch diagnostic runs after them: undici allocates so
      // much that its garbage, collected during the next client's turn, stalled that client's
      // streams (bench-process scavenges p50 6.8 ms with it interleaved, 3.7 ms without).
      const order: [keyof typeof c, Samples][] = [['ours', new Samples()], ['floor', new Samples()]];
      const diag: [keyof typeof c, Samples] = ['fetchFloor', new Samples()];
      // Warm-up at this level: every client opens its `concurrency` pooled connections.
      for (const [name] of [...order, diag]) await c[name](concurrency * 2, `warm-${name}`);
      const per = Math.max(1, Math.ceil(requests / cfg.rounds));
      const cpu0 = sim.cpuMs();
      const t0 = performance.now();
      const rounds: Overhead[] = [];
      for (let r = 0; r < cfg.rounds; r++) {
        const from = order.map(([, s]) => s.paired.length);
        for (let k = 0; k < order.length; k++) {
          const [name, into] = order[(r + k) % order.length];
          await timed(c[name], per, `c${concurrency}-${name}-r${r}`, sim.url, into);
        }
        const [ro, rf] = order.map(([, s], i) => offsetSummary(s.paired.slice(from[i]), 0));
        rounds.push(overheadAbove(ro, rf));
      }
      for (let r = 0; r < cfg.rounds; r++) await timed(c[diag[0]], per, `c${concurrency}-${diag[0]}-r${r}`, sim.url, diag[1]);
      const wallMs = performance.now() - t0;
      const cpu1 = sim.cpuMs();
      agent.destroy();
      const [o, f, ff] = [...order, diag].map(([, s]) => reading(s, injected));
      levels.push({
        concurrency,
        ours: o,
        floor: f,
        fetchFloor: ff,
        pairedRounds: rounds,
        overhead: { paired: overheadAbove(o.paired, f.paired), pairedRoundMedian: medianOverhead(rounds), deliveryLeg: overheadAbove(o.deliveryLeg, f.deliveryLeg), ttft: overheadAbove(o.ttft, f.ttft), itl: overheadAbove(o.itl, f.itl), ttfb: overheadAbove(o.ttfb, f.ttfb) },
        simCpuPct: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) / wallMs) * 100,
        wallSec: wallMs / 1000,
      });
    }
  } finally {
    await sim.close();
  }
  return { injected: { ttftMs: cfg.ttftMs, itlMs: cfg.itlMs, tokens: cfg.tokens }, levels };
}

/** Median of each percentile's overhead over the rounds that have it. */
export function medianOverhead(rounds: readonly Overhead[]): Overhead {
  const med = (xs: number[]): number | null => {
    if (xs.length === 0) return null;
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const have = (k: keyof Overhead) => rounds.map((r) => r[k]).filter((x): x is number => x !== null);
  return { p50: med(have('p50')), p99: med(have('p99')) };
}

export function renderPrecision(r: PrecisionResult): string {
  const rows: Cell[][] = [];
  for (const l of r.levels) {
    const line = (who: string, x: ClientReading): Cell[] => [
      String(l.concurrency), who, fmtInt(x.requests - x.errors), String(x.errors),
      fmt(x.paired.p50, 3), fmt(x.paired.p99, 3), fmt(x.deliveryLeg.p50, 3), fmt(x.deliveryLeg.p99, 3),
      fmt(x.ttft.p50, 3), fmt(x.ttft.p99, 3), fmt(x.ttft.max, 3),
      fmt(x.itl.p50, 3), fmt(x.itl.p99, 3), fmt(x.itl.max, 3), fmt(x.ttfb.p50, 3), fmt(x.ttfb.p99, 3), fmtInt(x.cpuUsPerRequest),
    ];
    rows.push(line('ours (runJobs)', l.ours));
    rows.push(line('floor: raw node:http', l.floor));
    rows.push(line('diag: same over fetch', l.fetchFloor));
    rows.push([
      String(l.concurrency), 'OVERHEAD ours - floor', '', '',
      fmt(l.overhead.paired.p50, 3), fmt(l.overhead.paired.p99, 3), fmt(l.overhead.deliveryLeg.p50, 3), fmt(l.overhead.deliveryLeg.p99, 3),
      fmt(l.overhead.ttft.p50, 3), fmt(l.overhead.ttft.p99, 3), '',
      fmt(l.overhead.itl.p50, 3), fmt(l.overhead.itl.p99, 3), '', fmt(l.overhead.ttfb.p50, 3), fmt(l.overhead.ttfb.p99, 3), '',
    ]);
  }
  const notes = [
    `injected server-side: TTFT ${r.injected.ttftMs} ms, ITL ${r.injected.itlMs} ms, ${r.injected.tokens} tokens/answer; simulator in its own process`,
    'paired: per request, client TTFT minus the TTFT the simulator recorded for it (request in -> first token written): the client\'s own cost plus loopback and the simulator\'s queueing of requests; deliv: the simulator wrote the first token -> the client stamped it (one machine-wide monotonic clock)',
    'TTFT/ITL columns: measured minus injected (ms). TTFB: measured (the simulator sends headers at once). cpu/req: bench-process CPU per request (µs)',
    ...r.levels.map((l) => `concurrency ${l.concurrency}: paired overhead, median of ${l.pairedRounds.length} rounds: p50 ${fmt(l.overhead.pairedRoundMedian.p50, 3)}, p99 ${fmt(l.overhead.pairedRoundMedian.p99, 3)} ms` +
      ` (rounds' p99: ${l.pairedRounds.map((x) => fmt(x.p99, 2)).join(', ')})`),
    ...r.levels.map((l) => `concurrency ${l.concurrency}: ${fmt(l.wallSec, 1)} s for all clients, simulator CPU ${fmt(l.simCpuPct, 0)}% of one core` +
      (l.ours.unpaired + l.floor.unpaired + l.fetchFloor.unpaired > 0 ? `; unpaired requests ${l.ours.unpaired}/${l.floor.unpaired}/${l.fetchFloor.unpaired}` : '')),
  ];
  return renderTable(
    '2. Precision: measured - injected (ms), ours vs a minimal node:http client in the same run',
    ['conc', 'client', 'ok', 'err', 'paired p50', 'paired p99', 'deliv p50', 'deliv p99', 'TTFT p50', 'TTFT p99', 'TTFT max', 'ITL p50', 'ITL p99', 'ITL max', 'TTFB p50', 'TTFB p99', 'cpu/req'],
    rows,
    notes,
  );
}
