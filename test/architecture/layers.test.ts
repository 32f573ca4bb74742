// The layering rules of README's code map, checked on every import in src/: nothing below the
// report layer imports report, session or cli; report imports neither the engine (run) nor
// anything above it; src/results imports nothing of the project but src/errors.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
/** Bottom to top. providers/measure and grade/cost share a level: they may import each other. */
const LEVEL: Record<string, number> = {
  errors: 0, results: 1, suite: 2, plan: 3, providers: 4, measure: 4, grade: 5, cost: 5, run: 6, report: 7, session: 8, cli: 9,
};

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? files(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every relative import of src/ as [from layer, to layer, file, specifier]. */
function imports(): [string, string, string, string][] {
  const out: [string, string, string, string][] = [];
  const re = /(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const file of files(SRC)) {
    const from = path.relative(SRC, file).split(path.sep)[0];
    for (const m of fs.readFileSync(file, 'utf8').matchAll(re)) {
      const to = path.relative(SRC, path.resolve(path.dirname(file), m[1])).split(path.sep)[0];
      if (to !== from && to in LEVEL && from in LEVEL) out.push([from, to, path.relative(SRC, file), m[1]]);
    }
  }
  return out;
}

describe('layers', () => {
  const all = imports();

  it('finds the imports it checks', () => expect(all.length).toBeGreaterThan(100));

  const show = (xs: typeof all) => xs.map(([f, t, file, spec]) => `${file} (${f}) imports ${spec} (${t})`);

  it('the engine and everything below it import no report, session or cli', () => {
    expect(show(all.filter(([from, to]) => LEVEL[from] <= LEVEL.run && ['report', 'session', 'cli'].includes(to)))).toEqual([]);
  });

  it('report imports neither the engine (run) nor session or cli', () => {
    expect(show(all.filter(([from, to]) => from === 'report' && ['run', 'session', 'cli'].includes(to)))).toEqual([]);
  });

  it('session imports no cli', () => {
    expect(show(all.filter(([from, to]) => from === 'session' && to === 'cli'))).toEqual([]);
  });

  it('src/results imports nothing of the project but src/errors', () => {
    expect(all.filter(([from, to]) => from === 'results' && to !== 'errors')).toEqual([]);
  });
});
