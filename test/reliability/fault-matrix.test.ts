// Every fault of the issue "Load modes and reliability", through the real runner (runJobs ->
// retry -> client -> undici) against test/reliability/fault-server.ts. For each: the run
// completes, exactly one row per job, the documented error_type, attempts as configured
// (max_retries 2 -> 3 for retryable failures, 1 otherwise), and the server saw exactly that
// many requests. The 10 MB faults also check that memory stays bounded.
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobs, type ResolvedProvider, type RunJobsResult } from '../../src/run/run-jobs.ts';
import type { Job } from '../../src/plan/types.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { ERROR_TYPES, type ErrorType } from '../../src/providers/types.ts';
import { MAX_KEPT_CHARS } from '../../src/providers/chunk-parser.ts';
import { sendChatCompletion } from '../../src/providers/openai-client.ts';
import { ANSWER, BIG_EVENT_CHARS, BIG_EVENTS, refusedPort, startFaultServer, type FaultServer, type Scenario } from './fault-server.ts';

const KEY = 'sk-fault-KEY-0123456789abcdef';
const HEADER_KEY = 'hk-extra-header-secret-42';
const RETRY = { max_retries: 2, base_delay_ms: 10, max_delay_ms: 2_000 };
const JOBS_PER_SCENARIO = 2;

interface Case {
  scenario: Scenario | 'connection-refused';
  status: ResultRow['status'];
  errorType: ErrorType | null;
  attempts: number;
  httpStatus?: number | null;
  stream?: boolean;
  timeoutMs?: number;
  /** Requests the server should see per job (default: attempts). */
  hitsPerJob?: number;
  /** Extra checks on each row. */
  check?: (row: ResultRow) => void;
}

/** The fault -> error_type table (README). */
const MATRIX: Case[] = [
  { scenario: 'ok', status: 'ok', errorType: null, attempts: 1, httpStatus: 200, check: (r) => expect(r.output).toBe(ANSWER) },
  { scenario: '429-retry-after', status: 'error', errorType: 'rate_limited', attempts: 3, httpStatus: 429 },
  { scenario: '429-no-retry-after', status: 'error', errorType: 'rate_limited', attempts: 3, httpStatus: 429 },
  { scenario: '429-then-ok', status: 'ok', errorType: null, attempts: 3, httpStatus: 200 },
  { scenario: '500', status: 'error', errorType: 'server_error', attempts: 3, httpStatus: 500 },
  { scenario: '5xx-burst', status: 'ok', errorType: null, attempts: 3, httpStatus: 200, check: (r) => expect(r.output).toBe(ANSWER) },
  { scenario: '400', status: 'error', errorType: 'bad_request', attempts: 1, httpStatus: 400 },
  { scenario: 'connection-refused', status: 'error', errorType: 'connection', attempts: 3, httpStatus: null, hitsPerJob: 0 },
  { scenario: 'reset-before-headers', status: 'error', errorType: 'connection', attempts: 3, httpStatus: null },
  {
    scenario: 'reset-mid-stream', status: 'error', errorType: 'stream_reset', attempts: 3, httpStatus: 200,
    check: (r) => expect(r.output).toBe('hello wor'), // the text received is kept
  },
  // Timeouts of 5 s: the 10 MB faults load the event loop meanwhile, and headers must arrive first
  // (on a busy 2-core machine too). Every other job gets 30 s: reading 10 MB bodies under load is slow.
  {
    scenario: 'stall-after-headers', status: 'error', errorType: 'timeout', attempts: 3, httpStatus: 200, timeoutMs: 5_000,
    check: (r) => expect(r.error_message).toMatch(/within 5000 ms \(reading the stream\)/),
  },
  {
    scenario: 'stall-between-tokens', status: 'error', errorType: 'timeout', attempts: 3, httpStatus: 200, timeoutMs: 5_000,
    check: (r) => {
      expect(r.output).toBe('hello wor');
      expect(r.error_message).toMatch(/within 5000 ms \(reading the stream\)/);
    },
  },
  {
    scenario: 'malformed-json', status: 'error', errorType: 'invalid_response', attempts: 1, httpStatus: 200,
    check: (r) => expect(r.error_message).toMatch(/1 SSE event\(s\) were malformed JSON/),
  },
  { scenario: 'no-done-no-finish', status: 'error', errorType: 'truncated', attempts: 1, httpStatus: 200 },
  { scenario: 'finish-no-done', status: 'ok', errorType: null, attempts: 1, check: (r) => expect(r.finish_reason).toBe('stop') },
  { scenario: 'done-no-finish', status: 'ok', errorType: null, attempts: 1, check: (r) => expect(r.finish_reason).toBeNull() },
  {
    scenario: 'big-stream', status: 'ok', errorType: null, attempts: 1, httpStatus: 200,
    check: (r) => {
      // Measured in full, kept in part.
      expect(r.completion_tokens).toBe(BIG_EVENTS * 250);
      expect(r.usage_source).toBe('reported');
      expect(r.output.length).toBeGreaterThanOrEqual(MAX_KEPT_CHARS);
      expect(r.output.length).toBeLessThan(MAX_KEPT_CHARS + 200);
      expect(r.output.startsWith('abcdefghij'.repeat(100))).toBe(true);
      expect(r.output).toContain(`output truncated, kept the first ${MAX_KEPT_CHARS} of ${BIG_EVENTS * BIG_EVENT_CHARS} characters`);
      expect(JSON.stringify(r).length).toBeLessThan(2.5 * 1024 * 1024);
      expect(r.itl_p50_ms).not.toBeNull();
    },
  },
  {
    scenario: 'big-json-garbage', status: 'error', errorType: 'invalid_response', attempts: 1, httpStatus: 200, stream: false,
    check: (r) => {
      expect(r.error_message).toMatch(/body is not JSON/);
      expect(r.error_message!.length).toBeLessThanOrEqual(300);
    },
  },
  {
    scenario: 'big-text', status: 'error', errorType: 'invalid_response', attempts: 1, httpStatus: 200,
    check: (r) => expect(r.error_message).toMatch(/not an SSE stream/),
  },
  {
    scenario: 'big-sse-line', status: 'error', errorType: 'invalid_response', attempts: 1, httpStatus: 200,
    check: (r) => expect(r.error_message).toMatch(/characters without a complete SSE event/),
  },
  {
    scenario: 'big-error-body', status: 'error', errorType: 'server_error', attempts: 3, httpStatus: 500,
    check: (r) => expect(r.error_message!.length).toBeLessThanOrEqual(300),
  },
  { scenario: 'gzip', status: 'ok', errorType: null, attempts: 1, httpStatus: 200, check: (r) => expect(r.output).toBe(ANSWER) },
  {
    scenario: 'echo-key-401', status: 'error', errorType: 'auth', attempts: 1, httpStatus: 401,
    check: (r) => {
      expect(r.error_message).toContain('Incorrect API key provided: [REDACTED]');
      expect(r.error_message).toContain('x-api-key was [REDACTED]');
    },
  },
  {
    scenario: 'echo-key-stream-error', status: 'error', errorType: 'stream_error', attempts: 1, httpStatus: 200,
    check: (r) => expect(r.error_message).toContain('key [REDACTED] is over quota'),
  },
  { scenario: 'redirect-other-origin', status: 'ok', errorType: null, attempts: 1, httpStatus: 200, hitsPerJob: 1 },
  { scenario: 'redirect-localhost', status: 'ok', errorType: null, attempts: 1, httpStatus: 200, hitsPerJob: 1 },
  { scenario: 'redirect-same-origin', status: 'ok', errorType: null, attempts: 1, httpStatus: 200, hitsPerJob: 1 },
  {
    scenario: 'redirect-301', status: 'error', errorType: 'invalid_response', attempts: 1, httpStatus: 301,
    check: (r) => expect(r.error_message).toMatch(/301 redirect to http:\/\/127\.0\.0\.1:\d+\/redirected\/v1\/chat\/completions not followed/),
  },
  {
    scenario: 'redirect-loop', status: 'error', errorType: 'invalid_response', attempts: 1, httpStatus: 307, hitsPerJob: 6,
    check: (r) => expect(r.error_message).toMatch(/more than 5 redirects/),
  },
  {
    scenario: 'redirect-insecure', status: 'error', errorType: 'invalid_response', attempts: 1, httpStatus: 307,
    check: (r) => expect(r.error_message).toMatch(/redirect refused: http:\/\/insecure\.example\.invalid\/v1\/chat\/completions is plain http/),
  },
];

let a: FaultServer; // the faults
let b: FaultServer; // the other origin of redirect-other-origin
let deadPort = 0;
let counts: RunJobsResult;
const rows: ResultRow[] = [];
let heapBefore = 0;
let heapPeak = 0;

function jobsFor(c: Case): Job[] {
  return Array.from({ length: JOBS_PER_SCENARIO }, (_, i) => ({
    id: `${c.scenario}#${i}`, index: i, suite: 'faults', caseId: `${c.scenario}#${i}`, tags: [], provider: c.scenario,
    model: 'fault-model', reasoningEffort: null, repeat: 1, messages: [{ role: 'user', content: `${c.scenario} job ${i}` }],
    params: {}, stream: c.stream ?? true, timeoutMs: c.timeoutMs ?? 30_000, assert: [], vars: {},
  }));
}

beforeAll(async () => {
  [a, b] = await Promise.all([startFaultServer(), startFaultServer()]);
  a.redirectOrigin = b.origin;
  deadPort = await refusedPort();
  const providers = new Map<string, ResolvedProvider>();
  for (const c of MATRIX) {
    const baseUrl = c.scenario === 'connection-refused' ? `http://127.0.0.1:${deadPort}/v1` : a.base(c.scenario);
    providers.set(c.scenario, { endpoint: { id: c.scenario, baseUrl, headers: { 'x-api-key': HEADER_KEY } }, apiKey: KEY });
  }
  heapBefore = heapPeak = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 5);
  try {
    counts = await runJobs(MATRIX.flatMap(jobsFor), {
      providers, concurrency: 8, retry: RETRY, random: () => 1, onRow: (r) => rows.push(r),
      onEvent: (e) => {
        if (e.type === 'retry' && isStaleSocket(e.result)) staleRetries.set(e.job.id, (staleRetries.get(e.job.id) ?? 0) + 1);
      },
    });
  } finally {
    clearInterval(sampler);
  }
}, 180_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

/** A request that failed on a reused keep-alive socket before any response (ECONNRESET, hang-up). */
function isStaleSocket(r: { errorType: string | null; errorMessage: string | null; httpStatus: number | null }): boolean {
  return r.errorType === 'connection' && r.httpStatus === null && /ECONNRESET|socket hang up/.test(r.errorMessage ?? '');
}
const staleRetries = new Map<string, number>();

describe('fault matrix: one scenario per fault, through runJobs', () => {
  it('completes with exactly one row per job', () => {
    const total = MATRIX.length * JOBS_PER_SCENARIO;
    expect(counts.rows).toBe(total);
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(total);
    expect(counts.interrupted).toBe(false);
  });

  it('error_type is always from the documented closed list', () => {
    for (const r of rows) {
      if (r.status === 'ok') expect(r.error_type).toBeNull();
      else expect(ERROR_TYPES).toContain(r.error_type);
    }
  });

  it.each(MATRIX.map((c) => [c.scenario, c] as const))('%s', (scenario, c) => {
    const mine = rows.filter((r) => r.provider === scenario);
    expect(mine).toHaveLength(JOBS_PER_SCENARIO);
    for (const r of mine) {
      // A pooled socket the server had just closed (a busy machine sees it now and then) is
      // replaced inside the attempt (http-transport.ts): it never costs a retry.
      if (scenario !== 'reset-before-headers') expect(staleRetries.get(r.job_id) ?? 0).toBe(0);
      expect({ status: r.status, error_type: r.error_type, attempts: r.attempts }, r.error_message ?? '').toEqual({
        status: c.status, error_type: c.errorType, attempts: c.attempts,
      });
      if (c.httpStatus !== undefined) expect(r.http_status).toBe(c.httpStatus);
      if (r.status === 'error') expect(r.error_message).toBeTruthy();
      c.check?.(r);
    }
    if (scenario !== 'connection-refused') {
      const expected = JOBS_PER_SCENARIO * (c.hitsPerJob ?? c.attempts);
      // A reset before any byte on a reused socket looks like a stale socket to the client, which
      // sends it again once on a fresh one within the attempt: at most one extra hit per attempt.
      const resends = scenario === 'reset-before-headers' ? JOBS_PER_SCENARIO * c.attempts : 0;
      expect(a.hitsOf(scenario).length).toBeGreaterThanOrEqual(expected);
      expect(a.hitsOf(scenario).length).toBeLessThanOrEqual(expected + resends);
    }
  });

  it('honours Retry-After between attempts; without it, backs off by the policy', () => {
    const gaps = (s: Scenario) => {
      const byJob = new Map<string, number[]>();
      for (const h of a.hitsOf(s)) byJob.set(h.key, [...(byJob.get(h.key) ?? []), h.at]);
      return [...byJob.values()].flatMap((t) => t.slice(1).map((x, i) => x - t[i]));
    };
    for (const g of gaps('429-retry-after')) expect(g).toBeGreaterThanOrEqual(145);
    for (const r of rows.filter((x) => x.provider === '429-retry-after')) expect(r.retry_wait_ms).toBeGreaterThanOrEqual(300);
    // random() = 1: full-jitter ceilings 10 then 20 ms.
    for (const r of rows.filter((x) => x.provider === '429-no-retry-after')) expect(r.retry_wait_ms).toBe(30);
    // Without Retry-After the waits are the policy's 10 and 20 ms (retry_wait_ms above, exact); the
    // server-side gaps add a busy machine's delays, so they are only checked against the 150 ms header.
    for (const g of gaps('429-no-retry-after')) expect(g).toBeLessThan(150 + 250);
  });

  it('the API key never appears in any row, nor the credential-like extra header', () => {
    const all = JSON.stringify(rows);
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(HEADER_KEY);
  });

  it('never sends Authorization or x-api-key to another origin on a redirect; keeps them on the same origin', () => {
    const firstHop = a.hitsOf('redirect-other-origin');
    expect(firstHop.every((h) => h.headers.authorization === `Bearer ${KEY}` && h.headers['x-api-key'] === HEADER_KEY)).toBe(true);
    // Other port (b), and 127.0.0.1 -> localhost (a, another host name): both other origins.
    const crossOrigin = [...b.hitsOf('redirected'), ...a.hitsOf('redirected').filter((h) => h.headers.host?.startsWith('localhost:'))];
    expect(crossOrigin).toHaveLength(2 * JOBS_PER_SCENARIO);
    for (const h of crossOrigin) {
      expect(h.method).toBe('POST'); // 307 keeps the method and body
      expect(h.key).toMatch(/^redirect-(other-origin|localhost) job \d$/);
      expect(h.headers.authorization).toBeUndefined();
      expect(h.headers['x-api-key']).toBeUndefined();
    }
    const sameOrigin = a.hitsOf('redirected').filter((h) => h.headers.host?.startsWith('127.0.0.1:'));
    expect(sameOrigin.map((h) => h.key).sort()).toEqual(['redirect-same-origin job 0', 'redirect-same-origin job 1']);
    for (const h of sameOrigin) expect(h.headers.authorization).toBe(`Bearer ${KEY}`);
    // 301 is not followed at all: nothing reached the target.
    expect(a.hitsOf('redirected').some((h) => h.key.startsWith('redirect-301'))).toBe(false);
  });

  it('gzip: undici decodes the streamed and the whole body', async () => {
    expect(a.hitsOf('gzip').every((h) => /gzip/.test(String(h.headers['accept-encoding'])))).toBe(true);
    const r = await sendChatCompletion({
      url: `${a.base('gzip')}/chat/completions`, headers: {}, timeoutMs: 5_000,
      body: { model: 'm', messages: [{ role: 'user', content: 'gzip whole' }], stream: false },
    });
    expect(r.ok, r.errorMessage ?? '').toBe(true);
    expect(r.content).toBe(ANSWER);
  });

  it('the 10 MB responses kept heap growth bounded during the run', () => {
    // Generous: 10 MB bodies x 2 jobs x 4 faults (+ 3 attempts of the 10 MB error body) passed
    // through; an unbounded client would hold all of it at once.
    expect(heapPeak - heapBefore).toBeLessThan(400 * 1024 * 1024);
  });
});

describe('bounded memory for a 10 MB answer', () => {
  it('keeps about MAX_KEPT_CHARS per response, not the 10 MB received', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const c: Case = { scenario: 'big-stream', status: 'ok', errorType: null, attempts: 1 };
    const providers = new Map<string, ResolvedProvider>([[c.scenario, { endpoint: { id: c.scenario, baseUrl: a.base('big-stream'), headers: {} } }]]);
    const jobs = Array.from({ length: 4 }, (_, i) => ({ ...jobsFor(c)[0], id: `mem#${i}`, messages: [{ role: 'user' as const, content: `mem ${i}` }] }));
    const kept: ResultRow[] = [];
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    await runJobs(jobs, { providers, concurrency: 4, retry: RETRY, onRow: (r) => kept.push(r) });
    gc();
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    expect(kept.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    // 4 x 10 MB were received; at most 4 x ~1 Mi chars (one byte each) are held with the rows.
    expect(retained).toBeLessThan(4 * MAX_KEPT_CHARS * 2 + 8 * 1024 * 1024);
  }, 30_000);
});

describe('redirect policy at the client', () => {
  const body = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], stream: true };
  /** Serves the insecure host itself (never touching the network) and passes 127.0.0.1 through. */
  const fetchVia = (seen: string[]) => async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    seen.push(`${url} auth=${new Headers(init?.headers).get('authorization') ?? '-'}`);
    if (url.startsWith('http://insecure.example.invalid/')) {
      return new Response('data: {"choices":[{"index":0,"delta":{"content":"plain"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n', {
        headers: { 'content-type': 'text/event-stream' },
      });
    }
    return fetch(input, init);
  };

  it('refuses a redirect to http:// on another machine, without contacting it', async () => {
    const seen: string[] = [];
    const r = await sendChatCompletion(
      { url: `${a.base('redirect-insecure')}/chat/completions`, apiKey: KEY, headers: {}, body, timeoutMs: 5_000 },
      { fetch: fetchVia(seen) },
    );
    expect(r.errorType).toBe('invalid_response');
    expect(seen).toHaveLength(1);
  });

  it('follows it with allowInsecureHttp, without the key (another origin)', async () => {
    const seen: string[] = [];
    const r = await sendChatCompletion(
      { url: `${a.base('redirect-insecure')}/chat/completions`, apiKey: KEY, headers: {}, body, timeoutMs: 5_000 },
      { fetch: fetchVia(seen), allowInsecureHttp: true },
    );
    expect(r.ok, r.errorMessage ?? '').toBe(true);
    expect(r.content).toBe('plain');
    expect(seen).toEqual([`${a.base('redirect-insecure')}/chat/completions auth=Bearer ${KEY}`, 'http://insecure.example.invalid/v1/chat/completions auth=-']);
  });

  it('a 401 after a cross-origin redirect says that credentials were not forwarded', async () => {
    const seen: string[] = [];
    const unauthorized = async (input: string | URL, init?: RequestInit): Promise<Response> => {
      const url = String(input);
      if (url.startsWith('http://insecure.example.invalid/')) {
        seen.push(url);
        return new Response('{"error":{"message":"missing key"}}', { status: 401, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };
    const r = await sendChatCompletion(
      { url: `${a.base('redirect-insecure')}/chat/completions`, apiKey: KEY, headers: {}, body, timeoutMs: 5_000 },
      { fetch: unauthorized, allowInsecureHttp: true },
    );
    expect(r.errorType).toBe('auth');
    expect(r.errorMessage).toMatch(/missing key \(after a redirect to http:\/\/insecure\.example\.invalid\/v1\/chat\/completions: credentials are not sent to another origin/);
    expect(seen).toHaveLength(1);
  });
});
