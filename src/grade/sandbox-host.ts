import type { Worker } from 'node:worker_threads';
import { SandboxError, type SandboxErrorCode } from './sandbox-error.ts';
import { siblingModule, spawnWorker } from './workers/spawn-worker.ts';
import type { SandboxReply, SandboxRequest } from './sandbox-worker.ts';

/** Heap of the sandbox thread: model code that builds huge arrays or strings is stopped here. */
export const SANDBOX_HEAP_MB = 128;
/** Array buffers (outside the heap) one call may allocate in total. */
export const SANDBOX_BUFFER_BYTES = 256 * 2 ** 20;
/** How long past its own limit a call may run before the thread is terminated (the vm's own timeout stops JS loops; this is for native calls). */
const TERMINATE_GRACE_MS = 1000;

interface Call {
  request: Omit<SandboxRequest, 'id'>;
  resolve: (json: string) => void;
  reject: (e: SandboxError) => void;
}

/**
 * One sandbox worker thread per calling thread, started on first use and reused (each call still
 * gets a fresh vm context). Calls run one at a time. The runtime enforces the limits the vm alone
 * cannot: the thread's heap (`resourceLimits`) and, for code stuck in a native call such as a
 * huge `fill`, terminate() at the time limit plus a short grace. A stopped thread is replaced on
 * the next call. The thread is unref'd while idle so it never keeps the process alive.
 */
class SandboxHost {
  private worker?: Worker;
  private ready?: Promise<Worker>;
  private queue: Call[] = [];
  private busy = false;
  private nextId = 1;

  run(request: Call['request']): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      void this.pump();
    });
  }

  private start(): Promise<Worker> {
    this.ready ??= new Promise<Worker>((resolve, reject) => {
      const w = spawnWorker(siblingModule(import.meta.url, 'sandbox-worker'), {
        env: {},
        resourceLimits: { maxOldGenerationSizeMb: SANDBOX_HEAP_MB, maxYoungGenerationSizeMb: 16 },
      });
      const onReady = (m: { ready?: boolean }) => {
        if (!m?.ready) return;
        w.off('message', onReady);
        this.worker = w;
        resolve(w);
      };
      w.on('message', onReady);
      w.once('error', (e) => reject(e));
      w.once('exit', () => {
        if (this.worker === w) this.worker = undefined;
        this.ready = undefined;
        reject(new Error('the sandbox thread exited while starting'));
      });
    });
    return this.ready;
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    const call = this.queue.shift();
    if (!call) {
      this.worker?.unref();
      return;
    }
    this.busy = true;
    try {
      call.resolve(await this.once(call.request));
    } catch (e) {
      call.reject(e instanceof SandboxError ? e : new SandboxError('SANDBOX_THREW', `the sandbox failed: ${(e as Error).message}`));
    } finally {
      this.busy = false;
      void this.pump();
    }
  }

  private async once(request: Call['request']): Promise<string> {
    const w = await this.start();
    w.ref();
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
      };
      const stop = (e: SandboxError) => {
        done();
        if (this.worker === w) this.worker = undefined;
        this.ready = undefined;
        void w.terminate();
        reject(e);
      };
      const onMessage = (m: SandboxReply) => {
        if (m.id !== id) return;
        done();
        if (m.ok) resolve(m.json);
        else reject(new SandboxError(m.code as SandboxErrorCode, m.message));
      };
      const onError = (e: Error & { code?: string }) => stop(e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new SandboxError('SANDBOX_MEMORY', `${request.fnName}() went past the sandbox heap limit (${SANDBOX_HEAP_MB} MB)`)
        : new SandboxError('SANDBOX_THREW', `${request.fnName}() crashed the sandbox: ${e.message}`));
      const timer = setTimeout(() => stop(new SandboxError('SANDBOX_TIMEOUT', `${request.fnName}() timed out after ${request.timeoutMs} ms (the sandbox thread was stopped)`)), request.timeoutMs + TERMINATE_GRACE_MS);
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage({ id, ...request } satisfies SandboxRequest);
    });
  }
}

let host: SandboxHost | undefined;
export function sandboxHost(): SandboxHost {
  host ??= new SandboxHost();
  return host;
}
