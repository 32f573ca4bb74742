import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN as bin, runCli } from '../helpers/run-cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-cli-out-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  return runCli(args, { cwd: dir });
}

describe('two runs on the same folder at once', () => {
  it('the second exits 2 at once, naming the folder in use; the first is unharmed', async () => {
    const suite = path.join(dir, 'slow.yaml');
    fs.writeFileSync(suite, `name: slow\nmodels: [sim:slow]\nconcurrency: 1\ncases:\n${Array.from({ length: 10 }, (_, i) => `  - { id: c${i}, prompt: "What is ${i} + 1?" }`).join('\n')}\n`);
    const out = path.join(dir, 'busy');
    const first = spawn(process.execPath, [bin, 'run', suite, '--out', out, '--progress', 'off', '--duration', '60s'], { cwd: dir, stdio: 'ignore' });
    const firstExit = new Promise<number | null>((r) => first.on('exit', (c) => r(c)));
    const lock = path.join(out, '.evalbench.lock');
    for (let i = 0; i < 300 && !fs.existsSync(lock); i++) await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(lock)).toBe(true);
    const second = await cli(['run', suite, '--resume', out, '--progress', 'off']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`${out} is in use by another evalbench run (pid ${first.pid}`);
    expect(second.stdout).toBe('');
    // The first run is untouched by the refused one: Ctrl-C ends it cleanly (exit 3, reports written).
    first.kill('SIGINT');
    expect(await firstExit).toBe(3);
    expect(fs.existsSync(path.join(out, 'summary.json'))).toBe(true);
    expect(fs.existsSync(lock)).toBe(false);
    const again = await cli(['run', suite, '--out', out, '--progress', 'off']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`--out ${out} already holds a run`);
  }, 120_000);
});
