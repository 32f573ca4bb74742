import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../helpers/fake-openai-server.ts';
import type { ResultRow } from '../../src/results/result-row.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'sk-test-SECRET-0123456789abcdef';

let server: FakeServer;
let dir: string;
let rows: Map<string, ResultRow>;
let stdout = '';
let stderr = '';
let exitCode = 0;

const scenarios = ['timed', 'timed-2', 'timed-3', 'no-usage', '429-once', '500-always', '400', 'html-502', 'reset-mid-stream', 'error-event', 'echo-key', 'plain'];

beforeAll(async () => {
  server = await startFakeServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-cli-'));
  const suite = [
    'name: fake',
    'providers:',
    '  fake:',
    '    type: openai-compatible',
    `    base_url: ${server.url}`,
    '    api_key_env: FAKE_API_KEY',
    'models: [fake:m1]',
    'retry: { max_retries: 2, base_delay_ms: 10, max_delay_ms: 3000 }',
    'timeout_ms: 5000',
    'concurrency: 4',
    'cases:',
    ...scenarios.map((s) => `  - { id: "${s}", prompt: "scenario: ${s.replace(/-\d$/, '')} ${s}" }`),
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'suite.yaml'), suite);
  try {
    const r = await run(process.execPath, [path.join(root, 'bin/evalbench.js'), 'run', path.join(dir, 'suite.yaml'), '--out', path.join(dir, 'out')], {
      cwd: dir, env: { ...process.env, FAKE_API_KEY: SECRET, CI: 'true' },
    });
    stdout = r.stdout;
    stderr = r.stderr;
  } catch (e) {
    const x = e as { stdout: string; stderr: string; code: number };
    stdout = x.stdout;
    stderr = x.stderr;
    exitCode = x.code;
  }
  if (!fs.existsSync(path.join(dir, "out/results.jsonl"))) throw new Error(`no results.jsonl; exit ${exitCode}; stderr:\n${stderr}`);
  const lines = fs.readFileSync(path.join(dir, 'out/results.jsonl'), 'utf8').trim().split('\n');
  if (process.env.DEBUG_ROWS) console.error(lines.filter((l) => l.includes('timed')).map((l) => { const r = JSON.parse(l); return [r.case_id, r.ttfb_ms, r.ttft_ms, r.ttfa_ms]; }));
  rows = new Map(lines.map((l) => JSON.parse(l) as ResultRow).map((r) => [r.case_id, r]));
}, 60_000);
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('evalbench run against a misbehaving server', () => {
  it('finishes with exit 0 and exactly one row per job', () => {
    expect(exitCode, stderr).toBe(0);
    expect(rows.size).toBe(scenarios.length);
    expect(fs.existsSync(path.join(dir, 'out/results.csv'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'out/summary.json'))).toBe(true);
    expect(stdout).toContain('fake:m1');
    // reasoning -> content -> content: two gaps (the two contents are written back to back, so
    // they may come in one read: that gap is then counted as coalesced, not sampled).
    const timed = rows.get('timed')!;
    expect(timed.itl_samples.length + timed.itl_coalesced!).toBe(2);
    expect(timed.itl_samples.length).toBeGreaterThanOrEqual(1);
  });

  it('measures TTFT and TTFA against the injected delays; role-only chunks are not tokens', () => {
    // Three identical timed requests: every one is at or above the injected delay, and the best
    // is close to it (a busy machine may stall any single one; systematic overhead shows in all).
    const timed = ['timed', 'timed-2', 'timed-3'].map((id) => rows.get(id)!);
    for (const r of timed) {
      expect(r.status).toBe('ok');
      expect(r.ttft_ms!).toBeGreaterThanOrEqual(79);
      expect(r.ttfa_ms!).toBeGreaterThanOrEqual(149);
      expect(r.ttfb_ms!).toBeLessThan(r.ttft_ms!);
      expect(r.ttft_ms!).toBeLessThan(r.ttfa_ms!);
      expect(r.output).toBe('Paris is the answer.');
    }
    // Close to the injection, within a margin a loaded 2-core machine keeps (the 70 ms between the
    // two injected delays, checked by the ordering above, is what tells TTFT from TTFA).
    expect(Math.min(...timed.map((r) => r.ttft_ms!))).toBeLessThan(80 + 200);
    expect(Math.min(...timed.map((r) => r.ttfa_ms!))).toBeLessThan(150 + 200);
  });

  it('reads reasoning and cached tokens from usage', () => {
    const r = rows.get('timed')!;
    expect(r.usage_source).toBe('reported');
    expect(r.reasoning_tokens).toBe(7);
    expect(r.cached_tokens).toBe(32);
    expect(r.completion_tokens).toBe(9);
    expect(r.prompt_tokens).toBe(40);
  });

  it('estimates usage when the server sends none', () => {
    const r = rows.get('no-usage')!;
    expect(r.status).toBe('ok');
    expect(r.usage_source).toBe('estimated');
    expect(r.completion_tokens).toBeGreaterThanOrEqual(9);
    expect(r.completion_tokens).toBeLessThanOrEqual(12);
    expect(r.prompt_tokens).toBeGreaterThan(0);
  });

  it('retries a 429 after its Retry-After of 1 s', () => {
    const r = rows.get('429-once')!;
    expect(r.status).toBe('ok');
    expect(r.attempts).toBe(2);
    const [first, second] = server.hits.get('429-once')!;
    expect(second - first).toBeGreaterThanOrEqual(995);
    expect(r.retry_wait_ms).toBeGreaterThanOrEqual(1000);
  });

  it('retries a 500 up to max_retries, then writes an error row', () => {
    const r = rows.get('500-always')!;
    expect(r.status).toBe('error');
    expect(r.error_type).toBe('server_error');
    expect(r.http_status).toBe(500);
    expect(r.attempts).toBe(3);
    expect(server.hits.get('500-always')).toHaveLength(3);
  });

  it('does not retry a 400', () => {
    const r = rows.get('400')!;
    expect(r.error_type).toBe('bad_request');
    expect(r.http_status).toBe(400);
    expect(r.attempts).toBe(1);
    expect(r.error_message).toContain('Unsupported parameter');
  });

  it('turns an HTML 502, a reset mid-stream and an error event into typed error rows', () => {
    const html = rows.get('html-502')!;
    expect(html.status).toBe('error');
    expect(html.error_type).toBe('server_error');
    expect(html.http_status).toBe(502);
    const reset = rows.get('reset-mid-stream')!;
    expect(reset.status).toBe('error');
    expect(reset.error_type).toBe('stream_reset');
    expect(reset.http_status).toBe(200);
    const ev = rows.get('error-event')!;
    expect(ev.status).toBe('error');
    expect(ev.error_type).toBe('stream_error');
    expect(ev.http_status).toBe(200);
  });

  it('prints why requests failed on the console: the server\'s error text and the case ids', () => {
    const why = stdout.slice(stdout.indexOf('Why it failed:'));
    expect(stdout).toContain('Why it failed:');
    expect(why).toMatch(/fake:m1: \d+ errors/);
    expect(why).toMatch(/bad_request ×1: .*Unsupported parameter: stop.*\(case 400\)/);
    expect(why).toMatch(/server_error ×1: .*internal.*\(case 500-always\)/);
    const md = fs.readFileSync(path.join(dir, 'out/summary.md'), 'utf8');
    expect(md).toContain('## Why it failed');
    expect(md).toContain('Unsupported parameter: stop');
  });

  it('never writes the API key to any file or output', () => {
    expect(rows.get('echo-key')!.error_type).toBe('auth');
    expect(rows.get('echo-key')!.error_message).toContain('[REDACTED]');
    expect(stdout).not.toContain(SECRET);
    expect(stderr).not.toContain(SECRET);
    for (const f of fs.readdirSync(path.join(dir, 'out'))) {
      expect(fs.readFileSync(path.join(dir, 'out', f), 'utf8')).not.toContain(SECRET);
    }
  });
});
