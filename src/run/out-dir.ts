import path from 'node:path';

/** `results/<suite>/<timestamp>/`, timestamp in UTC with characters safe in file names. */
export function defaultOutDir(suiteName: string, at: Date = new Date(), root = 'results'): string {
  const stamp = at.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  return path.join(root, suiteName, stamp);
}
