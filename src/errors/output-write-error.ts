import { EvalbenchError, EXIT } from './evalbench-error.ts';

/** What a failed system call on a results file means to the user, by errno code. */
const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EROFS: 'the file system is read-only',
  EIO: 'input/output error on the device',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'a folder is in the way of the file',
  ENOTDIR: 'a file is in the way of a folder',
  ENOENT: 'the folder disappeared',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files on the system',
};

/**
 * Writing the run folder failed (disk full, quota, permissions...). Exit 3 with one line: what,
 * where and what to do; every row written before the failure stays in results.jsonl, where
 * `--resume` picks it up.
 */
export class OutputWriteError extends EvalbenchError {
  constructor(readonly errno: string, readonly path: string | undefined, options?: { cause?: unknown }) {
    const where = path ? `cannot write ${path}` : 'cannot write the results folder';
    super(
      'OUTPUT_WRITE_FAILED',
      `${where}: ${REASONS[errno] ?? 'system error'} (${errno}). Rows written before this are kept in results.jsonl; ` +
        'fix the cause, then finish the run with `evalbench run <suite> --resume <folder>` or rebuild the reports with `evalbench report <folder>`.',
      EXIT.runIncomplete,
      options,
    );
  }
}

/** `err` as an OutputWriteError when it is a file-system error from Node, else `err` itself. */
export function asOutputWriteError(err: unknown): unknown {
  if (err instanceof EvalbenchError || err === null || typeof err !== 'object') return err;
  const e = err as NodeJS.ErrnoException;
  if (typeof e.code !== 'string' || typeof e.syscall !== 'string' || !(e.code in REASONS)) return err;
  return new OutputWriteError(e.code, e.path, { cause: err });
}
