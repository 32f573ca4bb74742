// The package as a user gets it: `npm pack`, installed into a scratch project, used from plain
// Node.js ESM with no TypeScript loader (the bin, the import, the README's library example, types).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// Children must not inherit the tests' switch that makes bin/evalbench.js run src/ through tsx.
const { EVALBENCH_FROM_SOURCE: _fromSource, ...plainEnv } = process.env;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const st = statSync(full);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(full) : st.mtimeMs);
  }
  return newest;
}

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: plainEnv, encoding: 'utf8', timeout: 240_000 });
}

/** The README's library example, exactly as README.md shows it. */
function readmeExample(): string {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const m = /<!-- library-example:start -->\s*```js\n([\s\S]*?)```\s*<!-- library-example:end -->/.exec(readme);
  if (!m) throw new Error('README.md has no library example between the library-example markers');
  return m[1];
}

// Builds, packs and installs, then spawns whole processes: slow on a busy 2-core machine.
describe('the packed tarball in a scratch project', { timeout: 180_000 }, () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'evalbench-pack-'));
  let packed: { filename: string; files: { path: string }[] };

  beforeAll(() => {
    // `npm ci` builds dist/ through `prepare`; rebuild only when a source file is newer.
    const built = path.join(root, 'dist/cli/main.js');
    if (!existsSync(built) || statSync(built).mtimeMs < newestMtime(path.join(root, 'src'))) {
      const b = sh(npm, ['run', 'build'], root);
      if (b.status !== 0) throw new Error(`npm run build failed:\n${b.stdout}\n${b.stderr}`);
    }
    const p = sh(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], root);
    if (p.status !== 0) throw new Error(`npm pack failed:\n${p.stderr}`);
    packed = JSON.parse(p.stdout)[0];
    writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    const i = sh(npm, ['install', path.join(scratch, packed.filename), '--prefer-offline', '--no-audit', '--no-fund'], scratch);
    if (i.status !== 0) throw new Error(`npm install of the tarball failed:\n${i.stdout}\n${i.stderr}`);
  }, 300_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('ships the compiled package and not the sources or tests', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'bin/evalbench.js', 'suite.schema.json', 'prices.yaml', 'LICENSE', 'README.md']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('bench/'))).toEqual([]);
  });

  it('npx evalbench --help answers from the installed package', () => {
    const r = sh(npm, ['exec', '--offline', '--', 'evalbench', '--help'], scratch);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: evalbench');
    expect(r.stdout).toContain('validate');
  });

  it('import("evalbench") resolves runSuite as a function in plain Node.js', () => {
    const r = sh(process.execPath, ['--input-type=module', '-e', "const m = await import('evalbench'); console.log(typeof m.runSuite, typeof m.loadSuite)"], scratch);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('function function');
  });

  it("runs README's library example on the simulator", () => {
    writeFileSync(path.join(scratch, 'example.mjs'), readmeExample());
    const r = sh(process.execPath, ['example.mjs'], scratch);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sim:fast: 4\/4 ok, p50 latency [\d.]+ ms$/m);
    expect(r.stdout).toMatch(/^sim:slow: 4\/4 ok, p50 latency [\d.]+ ms$/m);
    expect(r.stdout).toContain('8 ok, 0 errors; reports in results/hello');
    const summary = JSON.parse(readFileSync(path.join(scratch, 'results/hello/summary.json'), 'utf8'));
    expect(summary.groups).toHaveLength(2);
  });

  it('types: a TypeScript user of the package type-checks against dist/*.d.ts', () => {
    writeFileSync(path.join(scratch, 'check.ts'), [
      "import { runSuite, loadSuite, type RunOutcome } from 'evalbench';",
      'export const run: (file: string) => Promise<RunOutcome> = (file) => runSuite(file, { concurrency: 2 });',
      'export const name = async (file: string): Promise<string> => (await loadSuite(file)).name;',
      '// @ts-expect-error concurrency is a number',
      "export const bad = () => runSuite('x.yaml', { concurrency: 'many' });",
    ].join('\n'));
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
    const r = sh(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--target', 'es2022', '--skipLibCheck', '--typeRoots', path.join(root, 'node_modules/@types'), '--types', 'node', 'check.ts'], scratch);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
