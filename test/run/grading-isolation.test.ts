import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import { parseSuite } from '../../src/suite/load-suite.ts';
import type { ResultRow } from '../../src/results/result-row.ts';

const root = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-grading-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const readRows = (dir: string): ResultRow[] =>
  fs.readFileSync(path.join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResultRow);

const sse = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

/** `long`: 300k newlines at once; `slow`: "ok" after `delayMs`. Usage is sent, so no token estimate runs. */
async function startServer(delayMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.url?.endsWith('/models')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
      const prompt = String(JSON.parse(raw).messages.at(-1).content);
      const answer = (content: string) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(sse({ choices: [{ index: 0, delta: { role: 'assistant', content } }] }));
        res.write(sse({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
        res.write(sse({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } }));
        res.end('data: [DONE]\n\n');
      };
      if (prompt.startsWith('long')) answer('\n'.repeat(300_000) + 'x');
      else setTimeout(() => answer('ok'), delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

describe('grading runs off the network thread', () => {
  // Before: the regex below (quadratic on newlines) ran on the thread that reads sockets, for
  // minutes, and the other requests' rows came out as `timeout` although the server had answered.
  it('a catastrophic regex on a 300k-character answer is stopped at its limit and delays no other row into timeout', async () => {
    const server = await startServer(1500);
    try {
      const dir = tmp();
      const suite = parseSuite([
        'name: hostile-regex',
        'providers:',
        '  local:',
        '    type: openai-compatible',
        `    base_url: ${server.url}`,
        '    api_key_env: LOCAL_API_KEY',
        'models: [local:m]',
        'timeout_ms: 6000',
        'retry: { max_retries: 0 }',
        'concurrency: 8',
        'cases:',
        `  - { id: long, prompt: long, assert: [{ type: regex, value: '\\n\\s*Moral:', timeout_ms: 1000 }] }`,
        ...Array.from({ length: 7 }, (_, i) => `  - { id: slow${i}, prompt: slow, assert: [{ type: regex, value: '^ok$' }] }`),
      ].join('\n'), path.join(dir, 'suite.yaml'));
      const t0 = performance.now();
      const outcome = await runSuite(suite, { outDir: path.join(dir, 'out'), warmUp: false, env: { LOCAL_API_KEY: 'sk-local' } });
      const elapsed = performance.now() - t0;
      const rows = new Map(readRows(outcome.outDir).map((r) => [r.case_id, r]));
      expect(rows.size).toBe(8);
      const long = rows.get('long')!;
      expect(long).toMatchObject({ status: 'ok', error_type: null, passed: false, grading_error: 'grading_timeout' });
      expect(long.reasons![0]).toContain('timed out after 1000 ms');
      for (let i = 0; i < 7; i++) {
        const r = rows.get(`slow${i}`)!;
        expect(r, `slow${i}`).toMatchObject({ status: 'ok', error_type: null, passed: true });
        expect(r.grading_error).toBeUndefined();
        // The server answers at 1.5 s; the timeout is 6 s. Wide margin for a busy machine.
        expect(r.latency_ms!).toBeLessThan(5000);
      }
      expect(elapsed).toBeLessThan(30_000);
    } finally {
      await server.close();
    }
  }, 60_000);

  // A real CLI process: it must exit on its own (a grader's leftover timer must not hold it).
  it('CLI: an endless-loop grader is stopped at its limit, a leftover timer does not hold the process, graders see no API key', async () => {
    const dir = tmp();
    fs.copyFileSync(path.join(FIXTURES, 'hostile-graders.mjs'), path.join(dir, 'graders.mjs'));
    fs.writeFileSync(path.join(dir, 'suite.yaml'), [
      'name: hostile-graders',
      'models: [sim:instant]',
      'grading: { env: [EVALBENCH_GRADER_VISIBLE] }',
      'cases:',
      '  - { id: spin, prompt: "Say hi", assert: [{ type: javascript, value: "graders.mjs:spin", timeout_ms: 500 }] }',
      '  - { id: timer, prompt: "Say hi", assert: [{ type: javascript, value: "graders.mjs:leavesTimer" }] }',
      '  - { id: env, prompt: "Say hi", assert: [{ type: javascript, value: "graders.mjs:readsEnv" }] }',
    ].join('\n'));
    const t0 = performance.now();
    const r = await promisify(execFile)(process.execPath, [path.join(root, 'bin/evalbench.js'), 'run', 'suite.yaml', '--out', 'out'], {
      cwd: dir, timeout: 90_000, killSignal: 'SIGKILL',
      env: { ...process.env, OPENAI_API_KEY: 'sk-must-not-leak-1234', SIM_API_KEY: 'sk-sim-secret', EVALBENCH_GRADER_VISIBLE: 'yes', CI: 'true' },
    }).then((x) => ({ ...x, code: 0 }), (e: { stdout: string; stderr: string; code: number; signal?: string }) => e);
    expect(r.code, r.stderr).not.toBe(null); // null: killed at the 90 s timeout, i.e. it hung
    expect(performance.now() - t0).toBeLessThan(60_000);
    const rows = new Map(readRows(path.join(dir, 'out')).map((x) => [x.case_id, x]));
    expect(rows.size).toBe(3);
    expect(rows.get('spin')).toMatchObject({ status: 'ok', passed: false, grading_error: 'grading_timeout' });
    expect(rows.get('spin')!.reasons![0]).toContain('timed out after 500 ms');
    expect(rows.get('timer')).toMatchObject({ status: 'ok', passed: true });
    const env = rows.get('env')!;
    expect(env.reasons ?? [], JSON.stringify(env.reasons)).toEqual([]);
    expect(env.passed).toBe(true);
    for (const f of fs.readdirSync(path.join(dir, 'out'))) {
      expect(fs.readFileSync(path.join(dir, 'out', f), 'latin1'), f).not.toContain('sk-must-not-leak');
    }
  }, 120_000);

  it('Ctrl-C: an answer stuck in grading is let go after the grace period, with its row', async () => {
    const dir = tmp();
    fs.copyFileSync(path.join(FIXTURES, 'hostile-graders.mjs'), path.join(dir, 'graders.mjs'));
    const suite = parseSuite([
      'name: interrupted-grading',
      'models: [sim:instant]',
      'cases:',
      '  - { id: spin, prompt: "Say hi", assert: [{ type: javascript, value: "graders.mjs:spin", timeout_ms: 600000 }] }',
    ].join('\n'), path.join(dir, 'suite.yaml'));
    const stop = new AbortController();
    let abortedAt = 0;
    const outcome = await runSuite(suite, {
      outDir: path.join(dir, 'out'), warmUp: false, signal: stop.signal, graceMs: 500,
      reporters: [{
        onProgress: (e) => {
          if (e.type !== 'job-start') return;
          // The answer comes back at once and goes to grading; then Ctrl-C.
          setTimeout(() => {
            abortedAt = performance.now();
            stop.abort(new Error('SIGINT'));
          }, 1000);
        },
      }],
    });
    expect(performance.now() - abortedAt).toBeLessThan(2000 + 3000); // 0.5 s grace, wide margin for a busy machine
    const [row] = readRows(outcome.outDir);
    expect(row).toMatchObject({ case_id: 'spin', status: 'ok', passed: false });
    expect(row.reasons![0]).toContain('grading stopped: the run was interrupted');
  }, 60_000);
});
