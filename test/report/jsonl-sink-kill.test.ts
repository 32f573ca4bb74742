// results.jsonl when the process dies: rows are batched per event-loop turn, so a row whose job
// ended more than 50 ms before a SIGKILL is on disk; process.exit and SIGTERM flush what is queued.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CHILD = path.join(import.meta.dirname, 'jsonl-sink-child.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'evalbench-jsonl-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rowIds(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { job_id: string }).job_id);
}

/** Start the child; `onLine(index)` for each row it reports written; resolves with how it ended. */
function runChild(file: string, mode: string, onLine: (i: number, kill: (s: NodeJS.Signals) => void) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let carry = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    const lines = (carry + s).split('\n');
    carry = lines.pop()!;
    for (const l of lines) onLine(Number(l), (sig) => child.kill(sig));
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

describe('JsonlSink when the process dies', () => {
  it('SIGKILL: every row written more than 50 ms before the kill is on disk', async () => {
    const file = path.join(dir, 'kill.jsonl');
    let reported = -1;
    let armed = false;
    const end = await runChild(file, 'stream', (i, kill) => {
      if (armed) return;
      if (i >= 20) {
        armed = true;
        reported = i;
        setTimeout(() => kill('SIGKILL'), 60);
      }
    });
    expect(end.signal, end.stderr).toBe('SIGKILL');
    const ids = rowIds(file);
    for (let k = 0; k <= reported; k++) expect(ids).toContain(`r${k}`);
  }, 30_000);

  it('process.exit right after a write: the queued row is flushed on exit', async () => {
    const file = path.join(dir, 'exit.jsonl');
    const end = await runChild(file, 'exit', () => {});
    expect(end.code, end.stderr).toBe(0);
    expect(rowIds(file)).toEqual(['r0']);
  }, 30_000);

  it('SIGTERM still ends the process (by the signal), and the rows on disk are whole', async () => {
    const file = path.join(dir, 'term.jsonl');
    let sent = false;
    const end = await runChild(file, 'term', (i, kill) => {
      if (!sent && i >= 20) {
        sent = true;
        kill('SIGTERM');
      }
    });
    expect(end.signal, end.stderr).toBe('SIGTERM');
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(rowIds(file).length).toBeGreaterThanOrEqual(21);
  }, 30_000);
});
