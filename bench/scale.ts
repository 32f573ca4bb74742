import { spread } from './spread.ts';
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchConfig } from './config.ts';
import { BENCH_MODEL, BENCH_PROMPT, BENCH_PROVIDER } from './bench-jobs.ts';
import { memoryGrowth, type MemoryGrowth } from './distribution.ts';
import { CLI, REPO_ROOT, spawnSseServer } from './sim-process.ts';
import { fmt, fmtInt, renderTable } from './table.ts';

const PROBE = path.join(REPO_ROOT, 'bench', 'peak-rss-probe.mjs');
/** Cases in the generated suite; jobs = cases x repeats. */
const CASES = 10;

export interface ScaleRun {
  jobs: number;
  exitCode: number | null;
  /** Rows in results.jsonl (must equal jobs). */
  rows: number;
  wallSec: number;
  jobsPerSec: number;
  peakRssMb: number | null;
  /**
   * Largest V8 heap left after a full (mark-compact) GC, MB, from --trace-gc: what the run really
   * holds. Peak RSS is mostly garbage waiting for the next full GC (V8 lets the old generation grow
   * to a few times the live heap first), so it jumps with GC timing; this tracks retained data.
   * null when no full GC ran.
   */
  liveHeapMb: number | null;
  /** RSS (MB) at 25/50/75% of the run's wall time and at the last sample: flat inside the run too. */
  rssCurveMb: (number | null)[];
  cpuSec: number | null;
}

export interface ScaleSkip {
  jobs: number;
  /** Wall time the run would take at the rate of the previous (smaller) run. */
  projectedSec: number;
  budgetLeftSec: number;
}

export interface ScaleResult {
  concurrency: number;
  tokens: number;
  runs: ScaleRun[];
  /** Runs left out because they would not fit in the bench's time budget. */
  skipped: ScaleSkip[];
  growth: MemoryGrowth;
  /** The same growth measure over liveHeapMb (less noisy than peak RSS). */
  liveGrowth: MemoryGrowth;
}

/** A suite of CASES cases x repeats, on an external simulator, no grading, no retries. */
export function scaleSuiteYaml(baseUrl: string, jobs: number, concurrency: number, tokens: number): string {
  const repeats = Math.max(1, Math.ceil(jobs / CASES));
  const cases = Array.from({ length: CASES }, (_, i) => `  - id: c${i}\n    prompt: "${BENCH_PROMPT} (${i})"`).join('\n');
  return [
    'name: bench-scale',
    'providers:',
    `  ${BENCH_PROVIDER}: { type: openai-compatible, base_url: "${baseUrl}" }`,
    `models: [${BENCH_PROVIDER}:${BENCH_MODEL}]`,
    'pricing:',
    `  "${BENCH_PROVIDER}:${BENCH_MODEL}": { input: 0, output: 0 }`,
    `defaults: { max_completion_tokens: ${tokens}, temperature: 0 }`,
    `repeats: ${repeats}`,
    `concurrency: ${concurrency}`,
    'retry: { max_retries: 0 }',
    'timeout_ms: 30000',
    'cases:',
    cases,
    '',
  ].join('\n');
}

function vmRssKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** `[pid:0xisolate]  1234 ms: Mark-Compact 150.2 (170.1) -> 35.1 (60.3) MB, ...`: heap before -> after. */
const MARK_COMPACT = /^\[\d+:(0x[0-9a-f]+)\]\s+[\d.]+ ms: Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/;

/** Largest heap after a full GC over the --trace-gc lines (any isolate: the main one is the largest). */
export function liveHeapFromTraceGc(lines: Iterable<string>): number | null {
  let max: number | null = null;
  for (const line of lines) {
    const m = MARK_COMPACT.exec(line);
    if (m) max = Math.max(max ?? 0, Number(m[2]));
  }
  return max;
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  try {
    for await (const chunk of createReadStream(file)) {
      const b = chunk as Buffer;
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
    }
  } catch {
    return 0;
  }
  return n;
}

/** One `evalbench run` in its own process; peak RSS from the probe, an RSS curve from /proc. */
async function runOne(baseUrl: string, jobs: number, concurrency: number, tokens: number): Promise<ScaleRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalbench-scale-'));
  try {
    const suite = path.join(dir, 'suite.yaml');
    const rssFile = path.join(dir, 'rss.json');
    const out = path.join(dir, 'out');
    writeFileSync(suite, scaleSuiteYaml(baseUrl, jobs, concurrency, tokens));
    const t0 = performance.now();
    // --trace-gc only prints (to stdout): it does not change when the GC runs.
    const child = spawn(process.execPath, ['--trace-gc', '--import', PROBE, CLI, 'run', suite, '--out', out, '--progress', 'off'], {
      cwd: REPO_ROOT,
      env: { ...process.env, EVALBENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gcLines: string[] = [];
    let gcCarry = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => {
      const lines = (gcCarry + s).split('\n');
      gcCarry = lines.pop()!;
      for (const l of lines) if (l.includes('Mark-Compact')) gcLines.push(l);
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      if (stderr.length < 4000) stderr += s;
    });
    const curve: { t: number; kb: number }[] = [];
    const poll = setInterval(() => {
      const kb = vmRssKb(child.pid!);
      if (kb !== null) curve.push({ t: performance.now() - t0, kb });
    }, 200);
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    clearInterval(poll);
    const wallMs = performance.now() - t0;
    let probe: { maxRssKb: number; cpuUserUs: number; cpuSystemUs: number } | null = null;
    try {
      probe = JSON.parse(readFileSync(rssFile, 'utf8'));
    } catch {
      probe = null;
    }
    const rows = await countLines(path.join(out, 'results.jsonl'));
    if (exitCode !== 0 || rows !== jobs) {
      process.stderr.write(`scale: ${jobs} jobs: exit ${exitCode}, ${rows} rows\n${stderr}\n`);
    }
    const at = (q: number) => {
      if (curve.length === 0) return null;
      const target = q * wallMs;
      const s = curve.reduce((best, x) => (Math.abs(x.t - target) < Math.abs(best.t - target) ? x : best));
      return s.kb / 1024;
    };
    return {
      jobs,
      exitCode,
      rows,
      wallSec: wallMs / 1000,
      jobsPerSec: rows / (wallMs / 1000),
      peakRssMb: probe ? probe.maxRssKb / 1024 : curve.length ? Math.max(...curve.map((x) => x.kb)) / 1024 : null,
      liveHeapMb: liveHeapFromTraceGc([...gcLines, gcCarry]),
      rssCurveMb: [at(0.25), at(0.5), at(0.75), curve.length ? curve[curve.length - 1].kb / 1024 : null],
      cpuSec: probe ? (probe.cpuUserUs + probe.cpuSystemUs) / 1e6 : null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Whole `evalbench run`s (CLI, JSONL, CSV, summary, reports) of growing size against a zero-delay
 * simulator in its own process: wall time and peak RSS of the run's process.
 */
export async function runScale(cfg: BenchConfig['memory'], log: (s: string) => void, budgetLeftSec: () => number = () => Infinity): Promise<ScaleResult> {
  const sim = await spawnSseServer(cfg.server);
  const runs: ScaleRun[] = [];
  const skipped: ScaleSkip[] = [];
  try {
    const sizes = [...cfg.jobs].sort((a, b) => a - b);
    for (const jobs of sizes) {
      const prev = runs.at(-1);
      if (prev && prev.jobsPerSec > 0) {
        // Start-up and report writing are in prev's rate too: a fair projection for a bigger run.
        const projectedSec = (jobs / prev.jobsPerSec) * 1.05 * cfg.rounds;
        const left = budgetLeftSec();
        if (projectedSec > left) {
          log(`scale: skipping ${fmtInt(jobs)} jobs: projected ${projectedSec.toFixed(0)} s, budget left ${left.toFixed(0)} s`);
          skipped.push({ jobs, projectedSec, budgetLeftSec: left });
          continue;
        }
      }
      const rounds = cfg.rounds;
      for (let i = 1; i <= rounds; i++) {
        log(`scale: evalbench run with ${fmtInt(jobs)} jobs${rounds > 1 ? `, round ${i}/${rounds}` : ''}`);
        runs.push(await runOne(sim.url, jobs, cfg.concurrency, cfg.server.tokens));
      }
    }
  } finally {
    await sim.close();
  }
  const points = medianPerSize(runs, (r) => r.peakRssMb);
  const live = medianPerSize(runs, (r) => r.liveHeapMb);
  return { concurrency: cfg.concurrency, tokens: cfg.server.tokens, runs, skipped, growth: memoryGrowth(points), liveGrowth: memoryGrowth(live) };
}

/** One point per size: the median over that size's successful rounds. */
function medianPerSize(runs: readonly ScaleRun[], value: (r: ScaleRun) => number | null): { jobs: number; peakRssMb: number }[] {
  const bySize = new Map<number, number[]>();
  for (const r of runs) {
    const v = value(r);
    if (v === null || r.exitCode !== 0) continue;
    bySize.set(r.jobs, [...(bySize.get(r.jobs) ?? []), v]);
  }
  return [...bySize].map(([jobs, vs]) => ({ jobs, peakRssMb: spread(vs).median! }));
}

export function renderScale(r: ScaleResult): string {
  const g = r.growth;
  return renderTable(
    `4. Memory: \`evalbench run\` in its own process, concurrency ${r.concurrency}, zero-delay minimal SSE server (own process)`,
    ['jobs', 'exit', 'rows', 'wall s', 'jobs/s', 'CPU s', 'peak RSS MB', 'live heap MB', 'RSS @25/50/75/100% MB'],
    r.runs.map((x) => [
      fmtInt(x.jobs), String(x.exitCode), fmtInt(x.rows), fmt(x.wallSec, 1), fmtInt(x.jobsPerSec), fmt(x.cpuSec, 1), fmt(x.peakRssMb, 1),
      fmt(x.liveHeapMb, 1), x.rssCurveMb.map((v) => fmt(v, 0)).join(' / '),
    ]),
    [
      `peak RSS growth ${g.between ? `from ${fmtInt(g.between[0])} to ${fmtInt(g.between[1])} jobs` : ''}: ${fmt(g.mbPer100kJobs, 1)} MB per 100k jobs -> ` +
        `${g.flat === null ? 'n/a' : g.flat ? 'FLAT (< 32 MB per 100k jobs)' : 'NOT FLAT (>= 32 MB per 100k jobs)'}`,
      `live heap (largest heap after a full GC) growth: ${fmt(r.liveGrowth.mbPer100kJobs, 1)} MB per 100k jobs; peak RSS adds the garbage V8 lets pile up before a full GC (a few times the live heap), so it moves with GC timing`,
      `answers of ${r.tokens} tokens; a run = plan, requests, results.jsonl, results.csv, summary.json/.md, junit.xml, report.html`,
      ...r.skipped.map((s) => `SKIPPED ${fmtInt(s.jobs)} jobs: projected ${fmt(s.projectedSec, 0)} s > ${fmt(s.budgetLeftSec, 0)} s left of the time budget (BENCH_ONLY=memory or BENCH_BUDGET_SEC to measure it)`),
    ],
  );
}
