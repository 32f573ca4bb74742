import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../helpers/fake-openai-server.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { runCli } from '../helpers/run-cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-budgets-'));
let server: FakeServer;
const suite = path.join(dir, 'suite.yaml');

beforeAll(async () => {
  server = await startFakeServer();
  // An unpriced model on a local server: what the seeded APIs look like to --max-cost.
  fs.writeFileSync(suite, [
    'name: budgets',
    'providers:',
    '  fake: { type: openai-compatible, base_url: "' + server.url + '", api_key_env: FAKE_API_KEY }',
    'models: [fake:m1]',
    'concurrency: 2',
    'cases:',
    ...Array.from({ length: 20 }, (_, i) => `  - { id: c${i}, prompt: "scenario: plain number ${i}" }`),
  ].join('\n'));
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sent = () => server.hits.get('plain')?.length ?? 0;

async function cli(args: string[], key: string | undefined = 'sk-budget-test') {
  return runCli(['run', suite, '--progress', 'off', ...args], { cwd: dir, env: { FAKE_API_KEY: key } });
}

const rowsOf = (out: string): ResultRow[] =>
  fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('fatal errors', () => {
  it('a missing key prints the error and nothing else (no warning first)', async () => {
    const r = await cli(['--out', path.join(dir, 'nokey')], '');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^error: /);
    expect(r.stderr).not.toContain('warning');
    expect(r.stderr).not.toContain('no price known');
  });
});

describe('budgets on an unpriced model', () => {
  it('--max-cost is exit 2 before any request, naming the model and how to price it', async () => {
    const before = sent();
    const r = await cli(['--max-cost', '0.02', '--out', path.join(dir, 'cost')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-cost cannot protect fake:m1');
    expect(r.stderr).toContain('pricing:');
    expect(r.stderr).toContain('--max-tokens');
    expect(sent()).toBe(before);
    expect(fs.existsSync(path.join(dir, 'cost'))).toBe(false);
    // Nothing but the fatal error before a fatal error: no "no price known" warning.
    expect(r.stderr).not.toContain('no price known');
  });

  it('--max-tokens stops sending once the tokens are used: exit 1, the rest budget rows, verdict in the gate table', async () => {
    const out = path.join(dir, 'tokens');
    const r = await cli(['--max-tokens', '60', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    const rows = rowsOf(out);
    expect(rows).toHaveLength(20);
    const ok = rows.filter((x) => x.status === 'ok');
    const budget = rows.filter((x) => x.status === 'skipped' && x.error_type === 'budget');
    expect(ok.length + budget.length).toBe(20);
    expect(budget.length).toBeGreaterThan(0);
    const used = ok.reduce((n, x) => n + x.total_tokens!, 0);
    const biggest = Math.max(...ok.map((x) => x.total_tokens!));
    expect(used).toBeGreaterThanOrEqual(60);
    expect(used - biggest).toBeLessThan(60);
    expect(r.stdout).toMatch(/max_tokens\s+overall\s+<= 60 tok\s+\d+ tok\s+FAIL/);
    expect(r.stdout).toContain('Gates: 1 of 1 FAILED.');
  });

  it('--max-requests sends exactly that many requests', async () => {
    const before = sent();
    const out = path.join(dir, 'requests');
    const r = await cli(['--max-requests', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(sent() - before).toBe(3);
    expect(rowsOf(out).filter((x) => x.error_type === 'budget')).toHaveLength(17);
    expect(r.stdout).toMatch(/max_requests\s+overall\s+<= 3\s+3\s+FAIL/);
  });

  it('a budget that was not reached passes and the exit code is 0; warnings come once, at the end', async () => {
    const r = await cli(['--max-requests', '50', '--out', path.join(dir, 'roomy')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/no price known/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/^\nWarnings:\n  - no price known for fake:m1/);
    expect(r.stdout).toMatch(/max_requests\s+overall\s+<= 50\s+20\s+pass/);
  });
});
