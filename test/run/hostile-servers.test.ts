// The audit of issue 17 as a test: one run against a local server whose answers are hostile in
// every way that does not involve the network (those are covered elsewhere). The whole run has a
// hard time bound, every job gets exactly one row of the right type, and the API key echoed by
// the server reaches no file.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite, type RunOutcome } from '../../src/session/run-suite.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { MAX_ROW_ITL_SAMPLES } from '../../src/measure/row-samples.ts';
import { countTokens } from '../../src/measure/tokenizer.ts';

const KEY = 'sk-hostile-0123456789abcdefSECRET';
/** Generous for a shared 2-core machine; before the fixes the tool-index case alone blocked for 114 s. */
const TIMEOUT_MS = 20_000;
/** The run must end within the request timeout plus this (wide: the machine is shared). */
const SLACK_MS = 20_000;

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** SSE bodies by scenario; none reports usage, so the client estimates it. */
const SCENARIOS: Record<string, (auth: string) => string[]> = {
  normal: () => [chunk({ content: 'hello ' }), chunk({ content: 'world' }), chunk({}, 'stop'), 'data: [DONE]\n\n'],
  // A 300-byte answer that froze a run for 114 s: a tool-call index of 4294967294.
  'tool-index': () => [
    chunk({ tool_calls: [{ index: 4294967294, id: 'c', function: { name: 'f', arguments: '{' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '}' } }] }),
    chunk({}, 'tool_calls'), 'data: [DONE]\n\n',
  ],
  // 1.2 Mi characters without a space (the tokenizer took minutes on such text), over the kept cap.
  'long-unbroken': () => [
    ...Array.from({ length: 300 }, (_, i) => chunk({ content: String.fromCharCode(97 + (i % 26)).repeat(4200) })),
    chunk({}, 'stop'), 'data: [DONE]\n\n',
  ],
  // 20 000 token events: the row keeps a bounded sample of the gaps.
  'many-events': () => [...Array.from({ length: 20_000 }, () => chunk({ content: 'x ' })), chunk({}, 'stop'), 'data: [DONE]\n\n'],
  // The key echoed in the answer (and so quoted by the failing grader's reason).
  'echo-key': (auth) => [chunk({ content: `your header was ${auth}; ` }), chunk({ content: `key=${auth.slice(7)}` }), chunk({}, 'stop'), 'data: [DONE]\n\n'],
  formula: () => [chunk({ content: '=HYPERLINK("http://evil.example","x")' }), chunk({}, 'stop'), 'data: [DONE]\n\n'],
  control: () => [chunk({ content: 'nul\u0000 esc\u001b[2J\u001b]0;title\u0007 bell\u0007 del\u007f end' }), chunk({}, 'stop'), 'data: [DONE]\n\n'],
};

let server: http.Server;
let dir: string;
let outcome: RunOutcome;
let wallMs = 0;
let rows: Map<string, ResultRow>;
const seenUrls: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method === 'GET') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
      seenUrls.push(req.url ?? '');
      // base_url carries an Azure-style query: the path must come before it, the query kept.
      if (req.url !== '/v1/chat/completions?api-version=2024-10-21') return void res.writeHead(404).end(`wrong url ${req.url}`);
      const prompt = (JSON.parse(body) as { messages: { content: string }[] }).messages.at(-1)!.content;
      const scenario = /scenario: (\S+)/.exec(prompt)![1];
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of SCENARIOS[scenario](String(req.headers.authorization))) res.write(piece);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-hostile-'));
  const suiteFile = path.join(dir, 'suite.yaml');
  fs.writeFileSync(suiteFile, [
    'name: hostile',
    'providers:',
    '  evil:',
    '    type: openai-compatible',
    `    base_url: "http://127.0.0.1:${port}/v1?api-version=2024-10-21"`,
    '    api_key_env: EVIL_KEY',
    'models: [evil:m]',
    `timeout_ms: ${TIMEOUT_MS}`,
    'retry: { max_retries: 0 }',
    'concurrency: 8',
    'cases:',
    ...Object.keys(SCENARIOS).map((s) => `  - { id: "${s}", prompt: "scenario: ${s}"${s === 'echo-key' ? ', assert: [{ type: equals, value: "nope" }]' : ''} }`),
  ].join('\n'));
  const t0 = performance.now();
  outcome = await runSuite(suiteFile, { outDir: path.join(dir, 'out'), cacheDir: path.join(dir, 'cache'), env: { EVIL_KEY: KEY }, warmUp: false });
  wallMs = performance.now() - t0;
  const lines = fs.readFileSync(outcome.files.jsonl, 'utf8').trim().split('\n');
  rows = new Map(lines.map((l) => JSON.parse(l) as ResultRow).map((r) => [r.case_id, r]));
}, TIMEOUT_MS + SLACK_MS + 30_000);

afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a run against hostile answers', () => {
  it('ends within timeout_ms + slack, with one row per job', () => {
    expect(wallMs).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(rows.size).toBe(Object.keys(SCENARIOS).length);
    expect(outcome.counts.rows).toBe(Object.keys(SCENARIOS).length);
    // The query string survived: every request reached the path the server checks.
    expect(seenUrls.every((u) => u === '/v1/chat/completions?api-version=2024-10-21')).toBe(true);
  });

  it('a tool-call index beyond the cap is a typed protocol error, and no other row is hurt', () => {
    const r = rows.get('tool-index')!;
    expect(r.status, r.error_message ?? '').toBe('error');
    expect(r.error_type).toBe('invalid_response');
    expect(r.error_message).toMatch(/tool call index 4294967294 is not an integer below 128/);
    for (const id of ['normal', 'formula', 'control', 'many-events', 'long-unbroken', 'echo-key']) expect(rows.get(id)!.status, `${id}: ${rows.get(id)!.error_message}`).toBe('ok');
  });

  it('long unbroken text over the kept cap: flagged, estimated from what arrived, not from the kept text alone', () => {
    const r = rows.get('long-unbroken')!;
    expect(r.output_truncated).toBe(true);
    expect(r.usage_source).toBe('estimated');
    expect(r.output).toMatch(/output truncated, kept the first 1048576 of 1260000 characters/);
    // What arrived is 1.2x the kept text: the estimate says so (the kept text alone would not).
    const keptTokens = countTokens(r.output.slice(0, 1 << 20));
    expect(r.completion_tokens!).toBeGreaterThan(keptTokens * 1.15);
    expect(r.completion_tokens!).toBeLessThan(keptTokens * 1.25);
  });

  it('20 000 token events: exact p50/max over every gap, a bounded sample in the row', () => {
    const r = rows.get('many-events')!;
    expect(r.status, r.error_message ?? '').toBe('ok');
    expect(r.itl_samples).toHaveLength(MAX_ROW_ITL_SAMPLES);
    expect(r.itl_sample_count).toBe(19_999);
    expect(r.itl_max_ms).toBeGreaterThanOrEqual(Math.max(...r.itl_samples));
  });

  it('the echoed key is in no output file (run folder and --cache); [REDACTED] stands in its place', () => {
    const cache = path.join(dir, 'cache');
    const files = [...fs.readdirSync(outcome.outDir).map((f) => path.join(outcome.outDir, f)), ...fs.readdirSync(cache).map((f) => path.join(cache, f))];
    expect(files.length).toBeGreaterThan(8);
    for (const f of files) expect(fs.readFileSync(f, 'utf8').includes(KEY), f).toBe(false);
    const r = rows.get('echo-key')!;
    expect(r.output).toBe('your header was [REDACTED]; key=[REDACTED]');
    expect(r.passed).toBe(false);
    expect(JSON.stringify(r.reasons)).toContain('[REDACTED]');
  });

  it('results.csv neutralises a formula cell; results.jsonl keeps the raw text', () => {
    expect(rows.get('formula')!.output).toBe('=HYPERLINK("http://evil.example","x")');
    const csv = fs.readFileSync(outcome.files.csv, 'utf8');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csv).not.toMatch(/,"?=HYPERLINK/);
  });

  it('control bytes from an answer never reach report.html raw', () => {
    const html = fs.readFileSync(outcome.files.html, 'utf8');
    // eslint-disable-next-line no-control-regex
    expect(html).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/);
  });
});
