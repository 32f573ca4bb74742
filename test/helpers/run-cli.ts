import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/** The package's bin, as users run it (the tests build dist/ first: test/global-setup.ts). */
export const BIN = path.resolve(import.meta.dirname, '../../bin/evalbench.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const exec = promisify(execFile);

/**
 * `evalbench ...args` as a child process in `cwd`; a non-zero exit is a result, not a throw.
 * The environment is this process's with CI=true and `env` over it, or exactly `baseEnv` plus
 * `env` when a test must leave some variables out.
 */
export async function runCli(
  args: readonly string[],
  opts: { cwd: string; env?: Record<string, string | undefined>; baseEnv?: NodeJS.ProcessEnv; timeout?: number },
): Promise<CliResult> {
  const env = { ...(opts.baseEnv ?? { ...process.env, CI: 'true' }), ...opts.env };
  try {
    const r = await exec(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, timeout: opts.timeout });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
