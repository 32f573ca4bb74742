import { parentPort } from 'node:worker_threads';
import { runInVm } from './sandbox-vm.ts';

/** Entry of the sandbox worker thread (sandbox-host.ts): runs one call at a time, answers by id. */
export interface SandboxRequest {
  id: number;
  code: string;
  fnName: string;
  argsJson: string;
  timeoutMs: number;
  memoryBytes: number;
}
export type SandboxReply = { id: number; ok: true; json: string } | { id: number; ok: false; code: string; message: string };

parentPort?.on('message', (r: SandboxRequest) => {
  let reply: SandboxReply;
  try {
    reply = { id: r.id, ok: true, json: runInVm(r.code, r.fnName, r.argsJson, r.timeoutMs, r.memoryBytes) };
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    reply = { id: r.id, ok: false, code: typeof err?.code === 'string' ? err.code : 'SANDBOX_THREW', message: String(err?.message ?? e) };
  }
  parentPort!.postMessage(reply);
});
parentPort?.postMessage({ ready: true });
