import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors/input-error.ts';

/**
 * mkdir -p for a folder the user named (`--out`, `--cache`): a file in the way or a folder that
 * cannot be created is bad input (exit 2), not a crash. Created one level at a time: Node's
 * recursive mkdir spins forever where mkdir answers ENOENT under an existing parent (/proc, /sys).
 */
export function ensureDir(dir: string, flag: string): void {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  let at = abs;
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(at);
    } catch {
      st = undefined;
    }
    if (st) {
      if (!st.isDirectory()) throw new InputError('BAD_DIR', `${flag} ${dir}: ${at} is a file, not a folder`);
      break;
    }
    missing.unshift(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && fs.statSync(d).isDirectory()) continue;
      throw new InputError('BAD_DIR', `${flag} ${dir}: cannot create ${d} (${code ?? (e as Error).message})`);
    }
  }
}
