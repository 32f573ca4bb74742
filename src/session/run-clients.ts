import { availableParallelism } from 'node:os';
import type { Job } from '../plan/types.ts';
import { sendChatCompletion } from '../providers/openai-client.ts';
import { THREAD_RELEASE_LEAD_MS, ThreadedClient } from '../providers/threaded-client.ts';
import { endpointUrl } from '../providers/url-policy.ts';
import type { FetchLike } from '../providers/types.ts';
import { TokenCountThread, withOffThreadEstimates } from '../measure/token-count-thread.ts';
import { withResponseCache } from '../run/response-cache.ts';
import type { ResolvedProvider, SendAttempt } from '../run/run-jobs.ts';
import { warmConnectionPlan, warmRequestCount, warmUp, type WarmUpOptions } from './warm-up.ts';

/**
 * `--workers` when not given: one HTTP worker thread per core, less the one the main thread needs
 * (plan, rows, files, the release clock). On 2 cores that is 1, today's single-thread mode: there
 * two worker threads beside the main thread reached the server with 52% of a 2,000/s open loop
 * against 99.9% with one thread, and no more closed-loop requests/s (`npm run bench`).
 */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** How one run sends its attempts: on this thread or from worker threads, estimates counted off it. */
export interface RunClients {
  /** HTTP worker threads (1 = the main thread sends, as before threads). */
  workers: number;
  send: SendAttempt;
  /** Open loop: arrivals go to the client this early, for it to hold until due (RunJobsOptions.releaseLeadMs); 0 in-thread. */
  releaseLeadMs: number;
  counter: TokenCountThread;
  warm(providers: ReadonlyMap<string, ResolvedProvider>, options: WarmUpOptions): Promise<void>;
  close(): Promise<void>;
}

/**
 * The run's client. `workers` > 1: a ThreadedClient (each worker its pool, its share of the
 * concurrency, its stamps); a test's injected `fetch` can only be called on this thread, so it
 * keeps the run on it. Either way, usage estimates are counted in a counting thread, and --cache
 * wraps whichever client sends.
 */
export function createRunClients(o: { workers?: number; fetch?: FetchLike; cacheDir?: string }): RunClients {
  const workers = o.fetch ? 1 : o.workers ?? 1;
  let base: typeof sendChatCompletion = sendChatCompletion;
  // The cache folder is checked (a bad one stops the run) before any thread is started.
  const sender: SendAttempt = o.cacheDir ? withResponseCache(o.cacheDir, (req, deps) => base(req, deps)) : (req, deps) => base(req, deps);
  const threads = workers > 1 ? new ThreadedClient(workers) : undefined;
  if (threads) base = threads.send;
  const counter = new TokenCountThread();
  return {
    workers,
    send: withOffThreadEstimates<Job>(sender, counter),
    releaseLeadMs: threads ? THREAD_RELEASE_LEAD_MS : 0,
    counter,
    async warm(providers, options) {
      if (!threads) return warmUp(providers.values(), o.fetch, options);
      await threads.warm(warmConnectionPlan(providers.values(), options).map(({ provider: { endpoint, apiKey }, connections }) => ({
        url: endpointUrl(endpoint.baseUrl, 'models'),
        headers: { ...endpoint.headers, ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) },
        connections,
      })), warmRequestCount(options));
    },
    async close() {
      await Promise.all([threads?.close(), counter.close()]);
    },
  };
}
