import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors/input-error.ts';

export const LOCK_FILE = '.evalbench.lock';

export interface RunLock {
  file: string;
  release(): void;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): number | undefined {
  try {
    return Number.parseInt(fs.readFileSync(file, 'utf8').split('\n')[0], 10);
  } catch {
    return undefined;
  }
}

/**
 * One run per folder at a time: `<dir>/.evalbench.lock` is created exclusively and holds the pid.
 * A second run on the same folder stops at once (exit 2); a lock left by a process that is gone
 * (SIGKILL, power cut) is taken over. Released at the end of the run, and on process exit.
 */
export function acquireRunLock(dir: string): RunLock {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n${new Date().toISOString()}\n`, { flag: 'wx' });
      const onExit = () => fs.rmSync(file, { force: true });
      process.once('exit', onExit);
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          process.off('exit', onExit);
          if (readOwner(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new InputError('BAD_DIR', `cannot write ${file} (${(e as NodeJS.ErrnoException).code}): choose a writable folder with --out`);
      }
    }
    const owner = readOwner(file);
    // Our own pid counts as alive: another run in this process holds the folder.
    if (owner !== undefined && pidAlive(owner)) {
      throw new InputError(
        'RUN_LOCKED',
        `${dir} is in use by another evalbench run (pid ${owner}, lock ${file}): wait for it to finish or choose another --out folder`,
      );
    }
    // Stale (its process is gone) or unreadable: take it over.
    fs.rmSync(file, { force: true });
  }
  throw new InputError('RUN_LOCKED', `${dir}: could not take the lock ${file}; remove it if no evalbench run is using the folder`);
}
