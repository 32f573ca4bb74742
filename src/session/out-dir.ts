import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors/input-error.ts';
import { ensureDir } from '../run/ensure-dir.ts';

/** `results/<suite>/<timestamp>/`, timestamp in UTC with characters safe in file names. */
export function defaultOutDir(suiteName: string, at: Date = new Date(), root = 'results'): string {
  const stamp = at.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  return path.join(root, suiteName, stamp);
}

/**
 * Creates a fresh default folder: the timestamp has whole seconds, so a second run in the same
 * second (or a folder left from a clock step back) gets `-2`, `-3`... mkdir without `recursive`
 * fails on an existing folder, so two processes can never claim the same one.
 */
export function claimDefaultOutDir(suiteName: string, at: Date = new Date(), root = 'results'): string {
  const base = defaultOutDir(suiteName, at, root);
  ensureDir(path.dirname(base), '--out');
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new InputError('BAD_DIR', `cannot create ${dir} (${(e as NodeJS.ErrnoException).code}): choose another folder with --out`);
    }
  }
}

/** Files whose presence means a folder holds a run (results.jsonl is written first, summary.json last). */
export const RUN_MARKER_FILES = ['results.jsonl', 'summary.json'] as const;

/** The run files present in `dir` (empty when it holds no run or does not exist). */
export function existingRunFiles(dir: string): string[] {
  return RUN_MARKER_FILES.filter((f) => fs.existsSync(path.join(dir, f)));
}

/**
 * `run --out DIR` on a folder that already holds a run is refused before anything is touched,
 * unless `overwrite` (then the caller's run files in it are removed first). Resume is the way
 * to continue one.
 */
export function checkOutDir(dir: string, options: { overwrite?: boolean; runFiles: readonly string[] }): void {
  const found = existingRunFiles(dir);
  if (found.length === 0) return;
  if (!options.overwrite) {
    throw new InputError(
      'OUT_DIR_HAS_RUN',
      `--out ${dir} already holds a run (${found.join(', ')}); nothing was changed. ` +
        `Continue it with --resume ${dir}, replace it with --overwrite, or choose another --out folder.`,
    );
  }
  for (const f of options.runFiles) fs.rmSync(path.join(dir, f), { force: true });
}
