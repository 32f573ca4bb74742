import type { Worker } from 'node:worker_threads';
import type { AttemptRequest, AttemptResult, ChatMessage } from '../providers/types.ts';
import type { ClientDeps } from '../providers/openai-client.ts';
import { siblingModule, spawnWorker } from '../providers/worker-spawn.ts';
import { rememberMessageTokens, rememberTokenCount } from './tokenizer.ts';
import { estimatedTexts } from './usage.ts';

export interface CountRequest {
  id: number;
  texts: string[];
  messages?: readonly ChatMessage[];
}
export type CountReply = { id: number; counts: number[]; messageTokens?: number } | { id: number; error: string };
type Counted = Extract<CountReply, { counts: number[] }>;

/**
 * A thread that loads the o200k tokenizer and counts for the rows that need an estimate (their
 * server sent no usage). Loading it where the sockets are read blocked every stream in flight for
 * ~200 ms (2.7 s on a loaded machine); here it blocks nothing. Started on the first count, so a
 * run whose servers all report usage never starts it nor loads the tokenizer. Unref'd while idle.
 */
export class TokenCountThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, (r: Counted | null) => void>();
  private nextId = 1;
  private closed = false;

  /** Whether the thread was ever started (tests: a run with reported usage never starts it). */
  get started(): boolean {
    return this.worker !== undefined;
  }

  /** Token counts of `texts` (and of `messages` as a prompt); null when the thread failed (count here then). */
  count(texts: string[], messages?: readonly ChatMessage[]): Promise<Counted | null> {
    if (this.closed) return Promise.resolve(null);
    const w = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      if (this.pending.size === 1) w.ref();
      w.postMessage({ id, texts, messages } satisfies CountRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll();
    await this.worker?.terminate();
  }

  private start(): Worker {
    const w = spawnWorker(siblingModule(import.meta.url, 'token-count-worker'), { name: 'evalbench-tokenizer' });
    w.on('message', (r: CountReply) => this.settle(r.id, 'counts' in r ? r : null));
    // A dead counting thread only costs speed: the rows count on the main thread instead.
    w.on('error', () => this.failAll());
    w.on('exit', () => {
      this.failAll();
      this.worker = undefined;
    });
    return w;
  }

  private settle(id: number, r: Counted | null): void {
    const resolve = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    resolve?.(r);
  }

  private failAll(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, null);
  }
}

type Send<J> = (req: AttemptRequest, deps: ClientDeps | undefined, job: J) => Promise<AttemptResult>;

/**
 * `send`, with the usage estimate of a successful answer that has no completion count made in the
 * counting thread before it is handed on: the row built from it (estimateUsage, countMessageTokens
 * with this job's messages) reads those counts instead of loading the tokenizer here. The same
 * texts, the same function: the estimate is the one the row would compute itself. The wrapper is
 * not an async function: no frame of its own stays suspended while the request streams.
 */
export function withOffThreadEstimates<J extends { messages: readonly ChatMessage[] }>(send: Send<J>, counter: TokenCountThread): Send<J> {
  return (req, deps, job) => send(req, deps, job).then((r) => {
    if (!r.ok || (r.usage !== null && r.usage.completionTokens !== null)) return r;
    return countOffThread(r, job, counter);
  });
}

/** Counts an answer without usage in the counting thread and keeps the counts where the row will look. */
async function countOffThread(r: AttemptResult, job: { messages: readonly ChatMessage[] }, counter: TokenCountThread): Promise<AttemptResult> {
  const texts = estimatedTexts(r.content, r.reasoning, r.toolCalls).filter((t) => t.length > 0);
  const prompt = r.usage?.promptTokens == null ? job.messages : undefined;
  const counted = await counter.count(texts, prompt);
  if (counted) {
    texts.forEach((t, i) => rememberTokenCount(t, counted.counts[i]));
    if (prompt && counted.messageTokens !== undefined) rememberMessageTokens(prompt, counted.messageTokens);
  }
  return r;
}
