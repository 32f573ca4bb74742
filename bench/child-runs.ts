import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FloorArgs, FloorOutput } from './floor-process.ts';
import { scaleSuiteYaml } from './scale.ts';
import { CLI, REPO_ROOT } from './sim-process.ts';

const PROBE = path.join(REPO_ROOT, 'bench', 'peak-rss-probe.mjs');
const FLOOR = path.join(REPO_ROOT, 'bench', 'floor-process.ts');

/** What bench/peak-rss-probe.mjs saw of one child process. */
export interface ProbeReading {
  maxRssKb: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  /** The request window: first POST started -> the expected number of responses ended. */
  window: { requests: number; ms: number; cpuUs: number; allocatedBytes: number; gcs: number; gcPauseMaxMs: number; gcPauseSumMs: number } | null;
}

interface ChildResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  probe: ProbeReading | null;
}

/** `node --import probe <args>`, its output collected, the probe's reading read back. */
async function runProbed(nodeArgs: string[], requests: number, dir: string, serverUrl: string): Promise<ChildResult> {
  const rssFile = path.join(dir, 'probe.json');
  const child = spawn(process.execPath, ['--import', PROBE, ...nodeArgs], {
    cwd: REPO_ROOT,
    env: { ...process.env, EVALBENCH_RSS_FILE: rssFile, EVALBENCH_PROBE_REQUESTS: String(requests), EVALBENCH_PROBE_HOST: new URL(serverUrl).host },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    if (stderr.length < 8000) stderr += s;
  });
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let probe: ProbeReading | null = null;
  try {
    probe = JSON.parse(readFileSync(rssFile, 'utf8')) as ProbeReading;
  } catch {
    probe = null;
  }
  return { exitCode, stdout, stderr, probe };
}

/**
 * `--workers N` for every `evalbench run` of the bench when BENCH_WORKERS=N is set (A/B of the HTTP
 * worker threads against `--workers 1`); unset: the CLI's default, cores - 1 (at least 1).
 */
export function workersFlag(env: Record<string, string | undefined> = process.env): string[] {
  const n = env.BENCH_WORKERS;
  if (n === undefined || n === '') return [];
  if (!/^[1-9]\d*$/.test(n)) throw new Error(`BENCH_WORKERS must be a whole number >= 1, not "${n}"`);
  return ['--workers', n];
}

export interface CliRun {
  exitCode: number | null;
  rows: number;
  ok: number;
  /** ttft_ms of each ok row, as results.jsonl has it. */
  ttftMs: number[];
  /** summary.json's self_check (event-loop delay, open-loop schedule lag and offered rate). */
  selfCheck: { schedule_lag_ms: { p50: number | null; p99: number | null; max: number | null } | null; offered_rate_per_s: number | null; event_loop_delay_ms: { p99: number | null } } | null;
  probe: ProbeReading | null;
}

/**
 * One real `evalbench run` (bin/evalbench.js, results written as usual) in its own process, of a
 * generated suite with `jobs` jobs at `concurrency`; `extra` flags go after it (--rate, --duration).
 */
export async function runCli(opts: { url: string; jobs: number; concurrency: number; tokens: number; extra?: string[]; cli?: string }): Promise<CliRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalbench-cli-'));
  try {
    const suite = path.join(dir, 'suite.yaml');
    const out = path.join(dir, 'out');
    // The suite has 10 cases x repeats: the probe's window closes at the job count it really plans.
    const jobs = Math.ceil(opts.jobs / 10) * 10;
    writeFileSync(suite, scaleSuiteYaml(opts.url, jobs, opts.concurrency, opts.tokens));
    const r = await runProbed([opts.cli ?? CLI, 'run', suite, '--out', out, '--progress', 'off', ...workersFlag(), ...(opts.extra ?? [])], jobs, dir, opts.url);
    const ttftMs: number[] = [];
    let rows = 0;
    let ok = 0;
    try {
      for (const line of readFileSync(path.join(out, 'results.jsonl'), 'utf8').split('\n')) {
        if (!line) continue;
        rows++;
        const row = JSON.parse(line) as { status: string; ttft_ms: number | null };
        if (row.status !== 'ok') continue;
        ok++;
        if (row.ttft_ms !== null) ttftMs.push(row.ttft_ms);
      }
    } catch {
      /* no results file: rows stay 0 and the caller reports the exit code */
    }
    let selfCheck: CliRun['selfCheck'] = null;
    try {
      selfCheck = (JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { self_check?: CliRun['selfCheck'] }).self_check ?? null;
    } catch {
      selfCheck = null;
    }
    if (r.exitCode !== 0 || rows === 0) process.stderr.write(`[bench] evalbench run exited ${r.exitCode} with ${rows} rows: ${r.stderr.slice(0, 2000)}\n`);
    return { exitCode: r.exitCode, rows, ok, ttftMs, selfCheck, probe: r.probe };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FloorRun extends FloorOutput {
  exitCode: number | null;
  probe: ProbeReading | null;
}

/** The raw floor client (floor-process.ts) in its own process, with the same probe. */
export async function runFloor(args: FloorArgs): Promise<FloorRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'evalbench-floor-'));
  try {
    const r = await runProbed(['--import', 'tsx', FLOOR, JSON.stringify(args)], args.requests, dir, args.url);
    let out: FloorOutput = { ok: 0, errors: args.requests, ttftMs: [] };
    try {
      out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as FloorOutput;
    } catch {
      process.stderr.write(`[bench] floor client exited ${r.exitCode}: ${r.stderr.slice(0, 2000)}\n`);
    }
    return { ...out, exitCode: r.exitCode, probe: r.probe };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
