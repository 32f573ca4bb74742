// A results folder that cannot be written (disk full, permissions, something in the way) ends
// the run with one plain line and exit 3, and keeps every row already written.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOutputWriteError, OutputWriteError } from '../../src/errors/index.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/evalbench.js');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-io-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('I/O errors on the results folder', () => {
  it('a report file that cannot be written: one line naming it, exit 3, rows kept', () => {
    const suite = path.join(dir, 'suite.yaml');
    fs.writeFileSync(suite, ['name: io', 'models: [sim:fast]', 'cases:', '  - { id: a, prompt: "hi" }', '  - { id: b, prompt: "ho" }'].join('\n'));
    const out = path.join(dir, 'out');
    fs.mkdirSync(path.join(out, 'results.csv'), { recursive: true }); // a folder where the file goes
    const r = spawnSync(process.execPath, [bin, 'run', suite, '--out', out, '--progress', 'off'], {
      cwd: dir, env: { ...process.env, CI: 'true' }, encoding: 'utf8', timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(3);
    // A self-check warning may come first on a busy machine; the failure itself is one line.
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('warning:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: cannot write .*results\.csv.*\(EISDIR\)/);
    expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
    const rows = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(2);
  });

  it('a reader that stops early (`evalbench run --help | head`) ends the CLI quietly, exit 0', async () => {
    const child = spawn(process.execPath, [bin, 'run', '--help'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed before the CLI writes a byte: every write of it gets EPIPE
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });

  it('disk full (ENOSPC) is named as such, with exit 3', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', errno: -28, path: '/x/results.jsonl' });
    const e = asOutputWriteError(enospc);
    expect(e).toBeInstanceOf(OutputWriteError);
    expect((e as OutputWriteError).exitCode).toBe(3);
    expect((e as Error).message).toMatch(/^cannot write \/x\/results\.jsonl: no space left on the device \(ENOSPC\)\. Rows written before this are kept/);
    expect((e as Error).message).not.toContain('\n');
    // Not a file-system error: left alone (it stays an internal error).
    const other = new TypeError('x');
    expect(asOutputWriteError(other)).toBe(other);
  });

  it('disk full for real, where /dev/full exists: a write to it is turned into the same error', () => {
    if (!fs.existsSync('/dev/full')) return;
    let caught: unknown;
    try {
      fs.writeFileSync('/dev/full', 'row\n'); // opens an existing device: no chmod, nothing created
    } catch (e) {
      caught = e;
    }
    const e = asOutputWriteError(caught);
    expect(e).toBeInstanceOf(OutputWriteError);
    expect((e as Error).message).toMatch(/ENOSPC/);
  });
});
