import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(REPO_ROOT, 'bin', 'evalbench.js');

export interface SimProcess {
  /** Base URL up to /v1. */
  url: string;
  pid: number;
  /** CPU time (user + system) the simulator process has used so far, ms; null off Linux. */
  cpuMs(): number | null;
  close(): Promise<void>;
}

/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ: 100 on every mainstream kernel). */
const USER_HZ = 100;

/** utime + stime of a process from /proc, in ms; null when /proc is not there. */
export function procCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state (field 3).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return Number.isFinite(utime + stime) ? ((utime + stime) * 1000) / USER_HZ : null;
  } catch {
    return null;
  }
}

/**
 * The simulator in its own process (`evalbench sim`), so its CPU does not compete with the
 * client being measured inside the bench process.
 */
export function spawnSimulator(opts: { ttftMs: number; itlMs: number }): Promise<SimProcess> {
  return spawnListening([CLI, 'sim', '--port', '0', '--ttft-ms', String(opts.ttftMs), '--itl-ms', String(opts.itlMs)]);
}

/** The bench's minimal SSE server (bench/sse-server.mjs) in its own process: the same answer to every POST. */
export function spawnSseServer(opts: { tokens: number; ttftMs: number; itlMs: number }): Promise<SimProcess> {
  return spawnListening([path.join(REPO_ROOT, 'bench', 'sse-server.mjs'), JSON.stringify(opts)]);
}

/** A node process that prints `listening on http://.../v1` once it serves. */
async function spawnListening(args: string[]): Promise<SimProcess> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let errOut = '';
    const timer = setTimeout(() => fail(new Error(`simulator did not start within 20 s: ${errOut || out}`)), 20_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => (errOut += s));
    child.stdout!.on('data', (s: string) => {
      out += s;
      const m = /listening on (http:\/\/\S+\/v1)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => fail(new Error(`simulator exited (code ${code}) before listening: ${errOut || out}`)));
  });
  child.removeAllListeners('exit');
  // A bench that dies half-way must not leave a simulator behind.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  return {
    url,
    pid: child.pid!,
    cpuMs: () => procCpuMs(child.pid!),
    close: async () => {
      await stopChild(child);
      process.off('exit', orphanGuard);
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
