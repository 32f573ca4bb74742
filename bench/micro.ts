import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { Bench } from 'tinybench';
import { readSseStream } from '../src/providers/sse-stream.ts';
import { StreamAccumulator } from '../src/providers/chunk-parser.ts';
import { normalizeUsage } from '../src/measure/usage.ts';
import { computeRequestMetrics } from '../src/measure/metrics.ts';
import { resultCsvOptions, writeCsvFromJsonl } from '../src/report/csv-writer.ts';
import { JsonlSink } from '../src/results/jsonl-sink.ts';
import { summarizeDistribution } from '../src/measure/statistics.ts';
import type { ResultRow } from '../src/results/result-row.ts';
import type { BenchConfig } from './config.ts';
import { REPO_ROOT } from './sim-process.ts';
import { fmt, fmtInt, renderTable } from './table.ts';
import { taskStats } from './tinybench-result.ts';

export const FIXTURES_DIR = path.resolve(REPO_ROOT, 'test', 'fixtures', 'recorded');

export interface MicroRow {
  name: string;
  /** What one operation is (a unit for `unitsPerSec`). */
  unit: string;
  unitsPerOp: number;
  opsPerSec: number;
  unitsPerSec: number;
  meanMs: number;
  samples: number;
}

export interface MicroResult {
  fixtures: { files: number; events: number; bytes: number };
  rows: MicroRow[];
}

/**
 * A body cut into one chunk per SSE event (separator included): how a streaming server's writes
 * reach the client, so every event costs a reader.read() as it does on the wire.
 */
export function chunkPerEvent(body: Buffer): Uint8Array[] {
  const text = body.toString('utf8');
  const out: Uint8Array[] = [];
  const re = /\r?\n\r?\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = m.index + m[0].length;
    out.push(Buffer.from(text.slice(start, end)));
    start = end;
  }
  if (start < text.length) out.push(Buffer.from(text.slice(start)));
  return out;
}

/** Fixed-size chunks (bulk reads: a fast server whose events pile up in the socket). */
export function chunkFixed(body: Buffer, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < body.length; i += size) out.push(body.subarray(i, i + size));
  return out;
}

/** An OpenAI-style stream of `events` SSE events: role, content tokens, finish with usage, [DONE]. */
export function syntheticStream(events: number): Buffer {
  const head = '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","system_fingerprint":"fp_bench","choices":[{"index":0,"delta":{';
  const tail = '},"logprobs":null,"finish_reason":null}]}';
  const words = ['The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog', '.', ' "Quoted"', ' ünïcødé', '\n'];
  const parts: string[] = [`data: ${head}"role":"assistant","content":""${tail}\n\n`];
  const tokens = Math.max(0, events - 3);
  for (let i = 0; i < tokens; i++) parts.push(`data: ${head}"content":${JSON.stringify(words[i % words.length])}${tail}\n\n`);
  parts.push(`data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":${tokens},"total_tokens":${tokens + 12}}}\n\n`);
  parts.push('data: [DONE]\n\n');
  return Buffer.from(parts.join(''));
}

function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]);
      else c.close();
    },
  });
}

const now = () => performance.now();

/** The client's per-stream work after the socket: SSE parse, chunk accumulation, usage, metrics. */
export async function parseAndMeasure(chunks: readonly Uint8Array[]): Promise<StreamAccumulator> {
  const acc = new StreamAccumulator();
  const send = now();
  const closed = await readSseStream(streamOf(chunks), now, acc);
  acc.finish();
  const usage = normalizeUsage(acc.usageRaw);
  computeRequestMetrics(
    { send, hdr: send, firstTok: acc.firstTok, firstAnswer: acc.firstAnswer, lastTok: acc.lastTok, end: acc.doneAt ?? closed, tokenTimes: acc.tokenTimes },
    usage?.completionTokens ?? acc.tokenTimes.length,
  );
  return acc;
}

/** SSE events a body dispatches (counted with the real parser, not guessed). */
async function countEvents(chunks: readonly Uint8Array[]): Promise<number> {
  let n = 0;
  await readSseStream(streamOf(chunks), now, { onEvent: () => void n++, onUnknownField: () => void n++ });
  return n;
}

export function listSseFixtures(dir = FIXTURES_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.sse')) out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** A realistic finished row: a 60-token answer with a comma and quotes (so CSV must quote it). */
export function sampleRow(i: number): ResultRow {
  const itl = Array.from({ length: 15 }, (_, k) => 4 + ((i + k) % 7) * 0.37);
  return {
    job_id: `j${i.toString(36).padStart(8, '0')}`, suite: 'bench', case_id: `case-${i % 50}`, provider: 'sim', model: 'fast',
    reasoning_effort: 'low', repeat: (i % 5) + 1, status: i % 97 === 0 ? 'error' : 'ok', error_type: i % 97 === 0 ? 'server_error' : null,
    http_status: i % 97 === 0 ? 500 : 200, attempts: 1, started_at: new Date(1_700_000_000_000 + i * 13).toISOString(),
    queue_ms: 0.012, latency_ms: 120.5 + (i % 13), ttfb_ms: 1.2, ttft_ms: 40.25 + (i % 11), ttfa_ms: 40.25 + (i % 11),
    itl_p50_ms: 4.9, itl_max_ms: 9.1, itl_coalesced: 0, tpot_ms: 5.01, output_tps: 199.6, prompt_tokens: 42, completion_tokens: 60,
    reasoning_tokens: 0, cached_tokens: 0, total_tokens: 102, usage_source: 'reported', finish_reason: 'stop',
    cost_usd: 0.0000123, passed: i % 3 !== 0, score: i % 3 !== 0 ? 1 : 0,
    output: `Here is a brief answer about "row ${i}", with a comma. There are trade-offs between speed, cost and quality, and no single choice wins on all three.`,
    error_message: i % 97 === 0 ? 'HTTP 500: The server had an error' : null, tags: ['bench'], reasoning: '',
    retry_wait_ms: 0, itl_samples: itl, send_epoch_ms: 1_700_000_000_000 + i * 13, last_token_epoch_ms: 1_700_000_000_120 + i * 13,
  };
}

/** Lognormal-ish latencies (a long right tail, as real latencies have). */
export function latencySamples(n: number, seed = 1): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
    out[i] = 40 * Math.exp(0.35 * z);
  }
  return out;
}

export async function runMicro(cfg: BenchConfig['micro']): Promise<MicroResult> {
  const files = listSseFixtures();
  const fixtureChunks = files.map((f) => chunkPerEvent(readFileSync(f)));
  const fixtureBytes = files.reduce((a, f) => a + statSync(f).size, 0);
  let fixtureEvents = 0;
  for (const c of fixtureChunks) fixtureEvents += await countEvents(c);

  const synthetic = syntheticStream(cfg.syntheticEvents);
  const synthPerEvent = chunkPerEvent(synthetic);
  const synthBulk = chunkFixed(synthetic, 64 * 1024);
  const synthEvents = await countEvents(synthPerEvent);

  const tmp = mkdtempSync(path.join(tmpdir(), 'evalbench-micro-'));
  const rows = Array.from({ length: cfg.csvRows }, (_, i) => sampleRow(i));
  const jsonl = path.join(tmp, 'results.jsonl');
  const sink = JsonlSink.open(jsonl);
  for (const r of rows) sink.write(r);
  sink.close();
  const samples = latencySamples(cfg.statsSamples);

  const discard = () => new Writable({ write(_c, _e, cb) { cb(); } });
  const tasks: { name: string; unit: string; unitsPerOp: number; fn: () => unknown }[] = [
    { name: `SSE parse + metrics: ${files.length} real fixtures`, unit: 'events', unitsPerOp: fixtureEvents, fn: async () => { for (const c of fixtureChunks) await parseAndMeasure(c); } },
    { name: `SSE parse + metrics: synthetic ${fmtInt(synthEvents)} events, 1 read/event`, unit: 'events', unitsPerOp: synthEvents, fn: () => parseAndMeasure(synthPerEvent) },
    { name: `SSE parse + metrics: synthetic ${fmtInt(synthEvents)} events, 64 KiB reads`, unit: 'events', unitsPerOp: synthEvents, fn: () => parseAndMeasure(synthBulk) },
    { name: `CSV rows, csv-stringify in memory (${fmtInt(rows.length)} rows)`, unit: 'rows', unitsPerOp: rows.length, fn: () => pipeline(Readable.from(rows), stringify(resultCsvOptions()), discard()) },
    { name: `CSV rows, writeCsvFromJsonl file to file (${fmtInt(rows.length)} rows)`, unit: 'rows', unitsPerOp: rows.length, fn: () => writeCsvFromJsonl(jsonl, path.join(tmp, 'results.csv')) },
    { name: `summarizeDistribution (${fmtInt(samples.length)} samples)`, unit: 'samples', unitsPerOp: samples.length, fn: () => summarizeDistribution(samples) },
  ];

  try {
    const bench = new Bench({ time: cfg.timeMs, iterations: 5 });
    for (const t of tasks) {
      // Warm the JIT ourselves (tinybench majors differ in how they warm up).
      for (let i = 0; i < 3; i++) await t.fn();
      bench.add(t.name, t.fn);
    }
    await bench.run();
    const out: MicroRow[] = tasks.map((t) => {
      const task = bench.tasks.find((k) => k.name === t.name)!;
      const s = taskStats(task);
      return { name: t.name, unit: t.unit, unitsPerOp: t.unitsPerOp, opsPerSec: s.hz, unitsPerSec: s.hz * t.unitsPerOp, meanMs: s.meanMs, samples: s.samples };
    });
    return { fixtures: { files: files.length, events: fixtureEvents, bytes: fixtureBytes }, rows: out };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function renderMicro(r: MicroResult): string {
  return renderTable(
    '1. Micro (tinybench, one process)',
    ['task', 'throughput', 'unit/s', 'ms/op', 'samples'],
    r.rows.map((x) => [x.name, fmtInt(x.unitsPerSec), x.unit, fmt(x.meanMs, 3), fmtInt(x.samples)]),
    [`fixtures: ${r.fixtures.files} .sse files from test/fixtures/recorded, ${fmtInt(r.fixtures.events)} events, ${fmtInt(r.fixtures.bytes)} bytes; fed one read per event`],
  );
}
