import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { runJobs } from '../src/run/run-jobs.ts';
import { warmUp } from '../src/session/warm-up.ts';
import { JsonlSink } from '../src/results/jsonl-sink.ts';
import { SummaryBuilder } from '../src/report/summary.ts';
import type { BenchConfig } from './config.ts';
import http from 'node:http';
import { benchJobsWhile, benchPayload, benchProviders, NO_RETRY } from './bench-jobs.ts';
import { fetchStream, rawStream, rawTarget, type RawTiming } from './raw-client.ts';
import { spawnSimulator } from './sim-process.ts';
import { fmt, fmtInt, renderTable } from './table.ts';

export interface ThroughputSide {
  /** Completed 2xx streamed requests per second over the measured window. */
  reqPerSec: number;
  completed: number;
  errors: number;
  seconds: number;
  /** Bench-process CPU per completed request, µs. */
  cpuUsPerRequest: number | null;
  /** Simulator process CPU over the window (100 = one core). */
  simCpuPct: number | null;
}

export interface ThroughputResult {
  concurrency: number;
  tokens: number;
  ours: ThroughputSide;
  autocannon: ThroughputSide;
  /** Attribution: the minimal string-scan client over node:http and over fetch, same connections. */
  diag: { rawHttp: ThroughputSide; fetch: ThroughputSide };
  /** ours / autocannon. */
  ratio: number;
}

interface Meter {
  stop(completed: number, errors: number): ThroughputSide;
}

function meter(simCpu: () => number | null): Meter {
  const c0 = process.cpuUsage();
  const s0 = simCpu();
  const t0 = performance.now();
  return {
    stop(completed, errors) {
      const seconds = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const s1 = simCpu();
      return {
        reqPerSec: completed / seconds,
        completed,
        errors,
        seconds,
        cpuUsPerRequest: completed > 0 ? (c.user + c.system) / completed : null,
        simCpuPct: s0 === null || s1 === null ? null : ((s1 - s0) / (seconds * 1000)) * 100,
      };
    },
  };
}

/**
 * Our harness as a run uses it (runJobs -> row -> JSONL sink + summary) for a fixed time at a fixed
 * concurrency, closed loop, against a zero-delay simulator in its own process.
 */
async function runOurs(baseUrl: string, concurrency: number, tokens: number, seconds: number, dir: string, simCpu: () => number | null): Promise<ThroughputSide> {
  const sink = JsonlSink.open(path.join(dir, 'results.jsonl'));
  const summary = new SummaryBuilder();
  let ok = 0;
  let errors = 0;
  const m = meter(simCpu);
  const deadline = performance.now() + seconds * 1000;
  try {
    await runJobs(benchJobsWhile(() => performance.now() < deadline, tokens), {
      providers: benchProviders(baseUrl),
      concurrency,
      retry: NO_RETRY,
      onRow: (row) => {
        sink.write(row);
        summary.add(row);
        if (row.status === 'ok') ok++;
        else errors++;
      },
    });
  } finally {
    sink.close();
  }
  return m.stop(ok, errors);
}

async function runAutocannon(baseUrl: string, concurrency: number, payload: Buffer, seconds: number, simCpu: () => number | null): Promise<ThroughputSide> {
  const m = meter(simCpu);
  const r = await autocannon({
    url: `${baseUrl}/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: payload,
    connections: concurrency,
    pipelining: 1,
    duration: seconds,
  });
  const side = m.stop(r['2xx'], r.errors + r.non2xx);
  // autocannon's own window (it stops sending at `duration`), not our wrapper's.
  return { ...side, seconds: r.duration, reqPerSec: r['2xx'] / r.duration };
}

/** A minimal client (see raw-client.ts) in a closed loop for a fixed time. */
async function runMinimal(one: () => Promise<RawTiming>, concurrency: number, seconds: number, simCpu: () => number | null): Promise<ThroughputSide> {
  let ok = 0;
  let errors = 0;
  const m = meter(simCpu);
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      if ((await one()).ok) ok++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return m.stop(ok, errors);
}

export async function runThroughput(cfg: BenchConfig['throughput'], log: (s: string) => void): Promise<ThroughputResult> {
  const sim = await spawnSimulator({ ttftMs: 0, itlMs: 0 });
  const dir = mkdtempSync(path.join(tmpdir(), 'evalbench-throughput-'));
  const payload = benchPayload(cfg.tokens);
  try {
    await warmUp(benchProviders(sim.url).values());
    log(`throughput: warm-up`);
    await runOurs(sim.url, cfg.concurrency, cfg.tokens, 1, dir, sim.cpuMs);
    await runAutocannon(sim.url, cfg.concurrency, payload, 1, sim.cpuMs);
    log(`throughput: ours, ${cfg.durationSec} s at concurrency ${cfg.concurrency}`);
    const ours = await runOurs(sim.url, cfg.concurrency, cfg.tokens, cfg.durationSec, dir, sim.cpuMs);
    log(`throughput: autocannon, ${cfg.durationSec} s, ${cfg.concurrency} connections`);
    const ac = await runAutocannon(sim.url, cfg.concurrency, payload, cfg.durationSec, sim.cpuMs);
    const diagSec = Math.max(1, cfg.durationSec / 2);
    log(`throughput: attribution, minimal clients over node:http and fetch, ${diagSec} s each`);
    const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency });
    const target = rawTarget(sim.url);
    const url = `${sim.url}/chat/completions`;
    const text = payload.toString('utf8');
    let rawHttp: ThroughputSide;
    let viaFetch: ThroughputSide;
    try {
      await runMinimal(() => rawStream(agent, target, payload), cfg.concurrency, 0.5, sim.cpuMs);
      rawHttp = await runMinimal(() => rawStream(agent, target, payload), cfg.concurrency, diagSec, sim.cpuMs);
      await runMinimal(() => fetchStream(url, text), cfg.concurrency, 0.5, sim.cpuMs);
      viaFetch = await runMinimal(() => fetchStream(url, text), cfg.concurrency, diagSec, sim.cpuMs);
    } finally {
      agent.destroy();
    }
    return {
      concurrency: cfg.concurrency, tokens: cfg.tokens, ours, autocannon: ac, diag: { rawHttp, fetch: viaFetch },
      ratio: ours.reqPerSec / ac.reqPerSec,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sim.close();
  }
}

export function renderThroughput(r: ThroughputResult): string {
  const line = (who: string, s: ThroughputSide) => [who, fmtInt(s.reqPerSec), fmtInt(s.completed), String(s.errors), fmt(s.seconds, 1), fmtInt(s.cpuUsPerRequest), fmt(s.simCpuPct, 0)];
  return renderTable(
    `3. Throughput: completed streamed requests/s, ${r.concurrency} connections, zero-delay simulator (own process)`,
    ['client', 'req/s', 'completed', 'errors', 'seconds', 'cpu µs/req', 'sim CPU %'],
    [
      line('ours (runJobs + JSONL + summary)', r.ours), line('autocannon (ceiling)', r.autocannon),
      line('diag: minimal client, node:http', r.diag.rawHttp), line('diag: minimal client, fetch', r.diag.fetch),
    ],
    [
      `ratio ours / autocannon: ${fmt(r.ratio * 100, 0)}% (goal >= 60%); answers of ${r.tokens} tokens, one SSE event each`,
      `diag rows (attribution): the same string-scan client over node:http and over fetch reach ${fmt((r.diag.rawHttp.reqPerSec / r.autocannon.reqPerSec) * 100, 0)}% and ${fmt((r.diag.fetch.reqPerSec / r.autocannon.reqPerSec) * 100, 0)}% of autocannon`,
    ],
  );
}
