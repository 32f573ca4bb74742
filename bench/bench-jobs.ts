import type { Job } from '../src/plan/types.ts';
import type { ResolvedProvider } from '../src/run/run-jobs.ts';
import { buildRequestBody } from '../src/run/build-body.ts';

/** The provider id bench jobs use (an external simulator process, not the in-process `sim`). */
export const BENCH_PROVIDER = 'bench';
/** Simulator model with no delays of its own and no faults; the server-side fixed delays apply. */
export const BENCH_MODEL = 'instant';
/** A prompt with no gradable task: the simulator answers 30-80 tokens of prose, cut at max tokens. */
export const BENCH_PROMPT = 'Tell me about benchmarking streaming HTTP clients';

/**
 * The prompt of a tagged job: unique per request, so the simulator's own timing record of it
 * (`x-sim-record-timing`, read back from /sim/timings) can be paired with the client's.
 */
export function taggedPrompt(jobId: string): string {
  return `${BENCH_PROMPT} [${jobId}]`;
}

/** Job `index`; with a `tag`, its id is `<tag>-<index>` and its prompt is unique (taggedPrompt). */
export function benchJob(index: number, maxTokens: number, tag?: string): Job {
  const id = tag === undefined ? `bench-${index}` : `${tag}-${index}`;
  return {
    id,
    index,
    suite: 'bench',
    caseId: 'stream',
    tags: [],
    provider: BENCH_PROVIDER,
    model: BENCH_MODEL,
    reasoningEffort: null,
    repeat: index + 1,
    messages: [{ role: 'user', content: tag === undefined ? BENCH_PROMPT : taggedPrompt(id) }],
    params: { max_completion_tokens: maxTokens, temperature: 0 },
    stream: true,
    timeoutMs: 30_000,
    assert: [],
    vars: {},
  };
}

/** `count` jobs, made one at a time as runJobs pulls them (no plan array held in memory). */
export function* benchJobs(count: number, maxTokens: number, tag?: string): Generator<Job> {
  for (let i = 0; i < count; i++) yield benchJob(i, maxTokens, tag);
}

/** Jobs for as long as `until()` says so: a fixed-duration closed-loop run. */
export function* benchJobsWhile(until: () => boolean, maxTokens: number): Generator<Job> {
  for (let i = 0; until(); i++) yield benchJob(i, maxTokens);
}

export function benchProviders(baseUrl: string, headers: Record<string, string> = {}): Map<string, ResolvedProvider> {
  return new Map([[BENCH_PROVIDER, { endpoint: { id: BENCH_PROVIDER, baseUrl, headers } }]]);
}

/** Asks the simulator to record its own TTFT of each request (see src/providers/sim/timing-log.ts). */
export const RECORD_TIMING_HEADERS: Record<string, string> = { 'x-sim-record-timing': '1' };

/** The exact body our client sends for a bench job (tagged: for job `<tag>-<index>`): the raw client and autocannon send it too. */
export function benchPayload(maxTokens: number, tag?: string, index = 0): Buffer {
  return Buffer.from(JSON.stringify(buildRequestBody(benchJob(index, maxTokens, tag))));
}

export const NO_RETRY = { max_retries: 0, base_delay_ms: 0, max_delay_ms: 0 };
