import { isMainThread } from 'node:worker_threads';
import { SandboxError } from './sandbox-error.ts';
import { runInVm } from './sandbox-vm.ts';
import { decode, encode } from './sandbox-json.ts';
import { SANDBOX_BUFFER_BYTES, sandboxHost } from './sandbox-host.ts';

export const SANDBOX_DEFAULT_TIMEOUT_MS = 2000;

/**
 * Runs `code` (e.g. a function a model wrote) in a fresh `node:vm` context — on a sandbox worker
 * thread when called on the main thread, in place when already on a worker — then calls `fnName(...args)` there and returns a copy of its result (awaited if it is a
 * promise).
 *
 * - No `process`, `require`, `import`, timers, WebAssembly or host objects; no `eval`.
 * - `args` go in and the result comes out as JSON text (undefined, NaN, ±Infinity and bigint kept).
 * - Limits: `timeoutMs` (endless loops, promises that never settle; a call stuck in native code is
 *   stopped by terminating the thread), the thread's heap (SANDBOX_HEAP_MB, or the grading
 *   worker's) and array buffers
 *   (SANDBOX_BUFFER_BYTES). Past them: SandboxError SANDBOX_TIMEOUT or SANDBOX_MEMORY.
 * node:vm is not a security boundary against a determined attacker: this keeps honest mistakes,
 * endless loops and runaway allocations from taking down the run.
 */
export async function runInSandbox(code: string, fnName: string, args: unknown[] = [], timeoutMs = SANDBOX_DEFAULT_TIMEOUT_MS): Promise<unknown> {
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(fnName)) throw new SandboxError('SANDBOX_BAD_INPUT', `not a function name: ${JSON.stringify(fnName)}`);
  let argsJson: string;
  try {
    argsJson = JSON.stringify(args, encode);
  } catch (e) {
    throw new SandboxError('SANDBOX_BAD_INPUT', `sandbox arguments must be JSON-serialisable: ${(e as Error).message}`);
  }
  const request = { code: String(code), fnName, argsJson, timeoutMs, memoryBytes: SANDBOX_BUFFER_BYTES };
  // Off the main thread (a grading worker) the vm runs right here: that thread's heap limit and the
  // pool's terminate() already bound it, and a second thread per call would cost its start-up time.
  const json = isMainThread ? await sandboxHost().run(request) : runInVm(request.code, fnName, argsJson, timeoutMs, request.memoryBytes);
  const r = JSON.parse(json, decode) as { state: string; value?: unknown; error?: string };
  switch (r.state) {
    case 'ok':
      return r.value;
    case 'threw':
      throw new SandboxError('SANDBOX_THREW', `${fnName}() threw ${r.error}`);
    case 'nofn':
      throw new SandboxError('SANDBOX_NO_FUNCTION', `the code defines no function named ${fnName}`);
    default:
      throw new SandboxError('SANDBOX_TIMEOUT', `${fnName}() returned a promise that never settled (within ${timeoutMs} ms)`);
  }
}
