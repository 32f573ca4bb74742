import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import { parseSuite } from '../../src/suite/load-suite.ts';
import { claimDefaultOutDir } from '../../src/session/out-dir.ts';
import { acquireRunLock, LOCK_FILE } from '../../src/session/run-lock.ts';
import { EvalbenchError } from '../../src/errors/index.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-outdir-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const suiteText = (n: number) => `
name: outdir
models: [sim:instant]
cases:
${Array.from({ length: n }, (_, i) => `  - { id: c${i}, prompt: "What is ${i + 3} * 7?" }`).join('\n')}
`;

/** Every file under dir with its bytes, for a byte-identical comparison. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out[f] = fs.readFileSync(p).toString('base64');
  }
  return out;
}

async function refusal(p: Promise<unknown>): Promise<EvalbenchError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EvalbenchError) return e;
    throw e;
  }
  throw new Error('expected the run to be refused');
}

describe('--out on a folder that already holds a run', () => {
  it('is refused with exit 2, names the folder and the ways out, and leaves every byte as it was', async () => {
    const dir = tmp();
    const out = path.join(dir, 'out');
    await runSuite(parseSuite(suiteText(6), path.join(dir, 's.yaml')), { outDir: out, warmUp: false });
    const before = snapshot(out);
    expect(Object.keys(before)).toContain('results.jsonl');
    const e = await refusal(runSuite(parseSuite(suiteText(2), path.join(dir, 's.yaml')), { outDir: out, warmUp: false }));
    expect(e.code).toBe('OUT_DIR_HAS_RUN');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(out);
    expect(e.message).toContain(`--resume ${out}`);
    expect(e.message).toContain('--overwrite');
    expect(snapshot(out)).toEqual(before);
  });

  it('--overwrite replaces the run', async () => {
    const dir = tmp();
    const out = path.join(dir, 'out');
    await runSuite(parseSuite(suiteText(6), path.join(dir, 's.yaml')), { outDir: out, warmUp: false });
    const o = await runSuite(parseSuite(suiteText(2), path.join(dir, 's.yaml')), { outDir: out, warmUp: false, overwrite: true });
    expect(o.counts.rows).toBe(2);
    expect(fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(fs.existsSync(path.join(out, LOCK_FILE))).toBe(false);
  });
});

describe('default folder', () => {
  it('never collides: a second claim in the same second gets a suffix', () => {
    const root = tmp();
    const at = new Date('2026-01-02T03:04:05.678Z');
    const a = claimDefaultOutDir('s', at, root);
    const b = claimDefaultOutDir('s', at, root);
    const c = claimDefaultOutDir('s', at, root);
    expect(a).toBe(path.join(root, 's', '2026-01-02T03-04-05Z'));
    expect(b).toBe(`${a}-2`);
    expect(c).toBe(`${a}-3`);
  });
});

describe('run lock', () => {
  it('a second run on a folder in use stops at once with exit 2', async () => {
    const dir = tmp();
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    const lock = acquireRunLock(out);
    try {
      const t0 = performance.now();
      const e = await refusal(runSuite(parseSuite(suiteText(2), path.join(dir, 's.yaml')), { resume: out, warmUp: false }));
      expect(e.code).toBe('RUN_LOCKED');
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain(`pid ${process.pid}`);
      expect(performance.now() - t0).toBeLessThan(5000);
    } finally {
      lock.release();
    }
    expect(fs.existsSync(path.join(out, LOCK_FILE))).toBe(false);
  });

  it('takes over the stale lock of a process that is gone', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${deadPid}\n`);
    const lock = acquireRunLock(dir);
    expect(fs.readFileSync(lock.file, 'utf8').split('\n')[0]).toBe(String(process.pid));
    lock.release();
    expect(fs.existsSync(lock.file)).toBe(false);
  });
});
