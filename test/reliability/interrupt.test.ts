// Interrupting a real `evalbench run` (the CLI, on the built-in simulator): Ctrl-C (SIGINT)
// writes every finished row, marks the rest and exits 3; SIGKILL leaves a results.jsonl whose
// complete lines all parse (at most the last one torn); `--resume` completes either with
// exactly one row per job and loses nothing measured.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultRow } from '../../src/results/result-row.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/evalbench.js');
const CASES = 50;
const REPEATS = 4;
const JOBS = CASES * REPEATS;

let dir: string;
let suiteFile: string;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function countLines(file: string): number {
  if (!fs.existsSync(file)) return 0;
  return fs.readFileSync(file, 'utf8').split('\n').length - 1;
}

/** Starts `evalbench run`, waits until `rowsBefore` rows are on disk, sends `signal`, and resolves on exit. */
async function runAndSignal(out: string, signal: NodeJS.Signals, rowsBefore: number): Promise<Exit & { rowsAtSignal: number }> {
  const child = spawn(process.execPath, [bin, 'run', suiteFile, '--out', out, '--progress', 'off'], {
    cwd: dir, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<Omit<Exit, 'stdout' | 'stderr'>>((r) => child.on('exit', (code, sig) => r({ code, signal: sig })));
  const jsonl = path.join(out, 'results.jsonl');
  const deadline = Date.now() + 45_000;
  let rowsAtSignal = 0;
  while ((rowsAtSignal = countLines(jsonl)) < rowsBefore) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${rowsBefore} rows in time; stderr:\n${stderr}`);
    await sleep(50);
  }
  child.kill(signal);
  const e = await exited;
  return { ...e, stdout, stderr, rowsAtSignal };
}

function runCli(args: string[]): Exit {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, CI: 'true' }, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function rowsOf(file: string): ResultRow[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ResultRow);
}

const hasResume = /--resume\b/.test(spawnSync(process.execPath, [bin, 'run', '--help'], { encoding: 'utf8' }).stdout);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-interrupt-'));
  suiteFile = path.join(dir, 'suite.yaml');
  fs.writeFileSync(suiteFile, [
    'name: interrupt',
    'models: [sim:slow]', // ~300 ms TTFT: 200 jobs at concurrency 4 take ~20 s, so the signal lands mid-run
    `repeats: ${REPEATS}`,
    'concurrency: 4',
    'timeout_ms: 30000',
    'cases:',
    ...Array.from({ length: CASES }, (_, i) => `  - { id: "c${i}", prompt: "What is ${i} * 3?" }`),
  ].join('\n'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Ctrl-C (SIGINT) mid-run', () => {
  let out: string;
  let exit: Exit & { rowsAtSignal: number };
  let firstRows: ResultRow[];

  beforeAll(async () => {
    out = path.join(dir, 'sigint');
    exit = await runAndSignal(out, 'SIGINT', 2);
    firstRows = rowsOf(path.join(out, 'results.jsonl'));
  }, 90_000);

  it('exits 3 and says what happened, without a stack trace', () => {
    expect(exit.code, exit.stderr).toBe(3);
    expect(exit.stderr).toMatch(/interrupted/);
    expect(exit.stderr).not.toMatch(/^\s+at /m);
  });

  it('writes exactly one row per job: every finished row, the rest marked interrupted', () => {
    expect(firstRows).toHaveLength(JOBS);
    expect(new Set(firstRows.map((r) => r.job_id)).size).toBe(JOBS);
    const finished = firstRows.filter((r) => r.status === 'ok' || r.status === 'error');
    const skipped = firstRows.filter((r) => r.status === 'skipped');
    expect(finished.length).toBeGreaterThanOrEqual(exit.rowsAtSignal);
    expect(skipped.length).toBeGreaterThan(0);
    for (const r of skipped) {
      expect(r.error_type).toBe('interrupted');
      expect(r.attempts).toBe(0);
    }
    // In-flight requests either finished within the grace period or were cut: never lost.
    for (const r of finished.filter((x) => x.status === 'error')) expect(r.error_type).toBe('interrupted');
    expect(finished.filter((r) => r.status === 'ok').every((r) => r.latency_ms !== null && r.output !== '')).toBe(true);
  });

  it('still writes the report files; those holding response text are owner-only (0600)', () => {
    for (const f of ['results.csv', 'summary.json', 'summary.md']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    // Decision (see src/providers/url-policy.ts): files that quote requests or responses are
    // 0600; summary.json / summary.md hold only aggregates and keep the umask default.
    for (const f of ['results.jsonl', 'results.csv', 'junit.xml', 'report.html']) {
      const file = path.join(out, f);
      if (f === 'results.jsonl' || f === 'results.csv' || fs.existsSync(file)) expect(fs.statSync(file).mode & 0o777, f).toBe(0o600);
    }
  });

  it('`run --help` offers --resume', () => expect(hasResume).toBe(true));

  it('--resume completes it: exactly one row per job, the finished rows kept as they were', () => {
    const r = runCli(['run', suiteFile, '--resume', out, '--progress', 'off', '--concurrency', '32']);
    expect(r.code, r.stderr).toBe(0);
    const rows = rowsOf(path.join(out, 'results.jsonl'));
    expect(rows).toHaveLength(JOBS);
    expect(new Set(rows.map((x) => x.job_id)).size).toBe(JOBS);
    expect(rows.filter((x) => x.status === 'skipped')).toHaveLength(0);
    const now = new Map(rows.map((x) => [x.job_id, x]));
    for (const before of firstRows.filter((x) => x.status === 'ok')) {
      expect(now.get(before.job_id)).toEqual(before);
    }
  }, 90_000);
});

describe('SIGKILL mid-run', () => {
  let out: string;
  let exit: Exit & { rowsAtSignal: number };
  let text: string;

  beforeAll(async () => {
    out = path.join(dir, 'sigkill');
    exit = await runAndSignal(out, 'SIGKILL', 5);
    text = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8');
  }, 90_000);

  it('leaves a results.jsonl whose complete lines all parse; at most the last line is torn', () => {
    expect(exit.signal).toBe('SIGKILL');
    const lines = text.split('\n');
    const complete = lines.slice(0, -1); // everything before the last '\n'
    const tail = lines.at(-1)!; // '' unless the kill landed mid-write
    expect(complete.length).toBeGreaterThanOrEqual(exit.rowsAtSignal);
    expect(complete.length).toBeLessThan(JOBS);
    const rows = complete.map((l) => JSON.parse(l) as ResultRow);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(rows.length);
    expect(rows.every((r) => r.status === 'ok' || r.status === 'error')).toBe(true);
    if (tail !== '') expect(() => JSON.parse(tail)).toThrow();
  });

  it('--resume accepts it (a torn last line tolerated) and loses nothing measured', () => {
    const before = text.split('\n').slice(0, -1).map((l) => JSON.parse(l) as ResultRow);
    // Make sure the torn-line path is exercised even if the kill fell between two writes.
    if (text.endsWith('\n')) fs.appendFileSync(path.join(out, 'results.jsonl'), '{"job_id":"torn-by-a-cra');
    const r = runCli(['run', suiteFile, '--resume', out, '--progress', 'off', '--concurrency', '32']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/torn line dropped/);
    const rows = rowsOf(path.join(out, 'results.jsonl'));
    expect(rows).toHaveLength(JOBS);
    expect(new Set(rows.map((x) => x.job_id)).size).toBe(JOBS);
    const now = new Map(rows.map((x) => [x.job_id, x]));
    for (const b of before.filter((x) => x.status === 'ok')) expect(now.get(b.job_id)).toEqual(b);
  }, 90_000);
});

describe('SIGTERM mid-run (what CI cancellation sends) is handled as Ctrl-C', () => {
  let out: string;
  let exit: Exit & { rowsAtSignal: number };
  let rows: ResultRow[];

  beforeAll(async () => {
    out = path.join(dir, 'sigterm');
    exit = await runAndSignal(out, 'SIGTERM', 2);
    rows = rowsOf(path.join(out, 'results.jsonl'));
  }, 90_000);

  it('exits 3 (not 143), says so, without a stack trace', () => {
    expect(exit.signal).toBeNull();
    expect(exit.code, exit.stderr).toBe(3);
    expect(exit.stderr).toMatch(/SIGTERM/);
    expect(exit.stderr).not.toMatch(/^\s+at /m);
  });

  it('writes one row per job (the rest marked interrupted) and the reports', () => {
    expect(rows).toHaveLength(JOBS);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(JOBS);
    const skipped = rows.filter((r) => r.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    for (const r of skipped) expect(r.error_type).toBe('interrupted');
    for (const r of rows.filter((x) => x.status === 'error')) expect(r.error_type).toBe('interrupted');
    for (const f of ['results.csv', 'summary.json', 'summary.md', 'junit.xml']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
  });
});
