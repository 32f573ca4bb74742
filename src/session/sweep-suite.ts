import path from 'node:path';
import { loadSuite, type Suite } from '../suite/index.ts';
import { InputError } from '../errors/input-error.ts';
import { runSuite, type RunOptions, type RunOutcome } from './run-suite.ts';
import { runSweep, writeSweepFiles, type SweepResult, type SweepSpec } from '../report/sweep.ts';
import { defaultOutDir } from './out-dir.ts';

export interface SweepOutcome {
  outDir: string;
  result: SweepResult;
  /** One run per level, in order (each in `<outDir>/<param>-<level>/`). */
  levels: RunOutcome[];
}

/**
 * `run --sweep concurrency=1,4,16` or `rate=1,5,10`: the suite once per level, each in its own
 * folder, then sweep.csv / sweep.json with the level where latency takes off named.
 */
export async function sweepSuite(suiteOrFile: string | Suite, spec: SweepSpec, options: RunOptions = {}): Promise<SweepOutcome> {
  if (options.resume) throw new InputError('BAD_FLAGS', '--sweep cannot be combined with --resume: run the sweep again');
  const suite = typeof suiteOrFile === 'string' ? await loadSuite(suiteOrFile) : suiteOrFile;
  const outDir = options.outDir ?? defaultOutDir(`${suite.name}-sweep`);
  const levels: RunOutcome[] = [];
  const result = await runSweep(spec, async (level) => {
    const o = await runSuite(suite, {
      ...options,
      outDir: path.join(outDir, `${spec.param}-${level}`),
      ...(spec.param === 'concurrency'
        ? { concurrency: level }
        : { mode: { kind: 'open' as const, rate: level, ...(options.mode?.kind === 'open' ? { arrival: options.mode.arrival, seed: options.mode.seed } : {}) } }),
    });
    levels.push(o);
    return { overall: o.summary.overall, goodput: o.summary.goodput ?? null, offeredRate: o.summary.self_check?.offered_rate_per_s ?? null };
  }, { signal: options.signal });
  await writeSweepFiles(outDir, result);
  return { outDir, result, levels };
}
