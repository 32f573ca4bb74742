import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-sweep-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('run --sweep', () => {
  it('runs each level and writes sweep.csv / sweep.json with the named columns and a table', async () => {
    const suite = path.join(dir, 'suite.yaml');
    fs.writeFileSync(suite, `name: sw\nmodels: [sim:fast]\nrepeats: 4\ncases:\n${Array.from({ length: 4 }, (_, i) => `  - { id: c${i}, prompt: "What is ${i} + 1?" }`).join('\n')}\n`);
    const { stdout } = await exec(process.execPath, [
      path.join(root, 'bin/evalbench.js'), 'run', suite, '--sweep', 'concurrency=1,4', '--slo', 'ttft_ms=5000',
      '--out', path.join(dir, 'out'), '--progress', 'off',
    ], { cwd: dir });
    expect(stdout).toMatch(/concurrency\s+req\/s\s+agg\. out tok\/s\s+TTFT p50\s+TTFT p99\s+TPOT p50\s+lat p50\s+lat p99\s+errors\s+goodput\/s/);
    const csv = fs.readFileSync(path.join(dir, 'out', 'sweep.csv'), 'utf8').trim().split('\n');
    const header = csv[0].split(',');
    for (const col of ['level', 'request_throughput', 'aggregate_output_tokens_per_s', 'ttft_p50_ms', 'ttft_p99_ms', 'tpot_p50_ms',
      'latency_p50_ms', 'latency_p99_ms', 'error_rate', 'goodput']) expect(header).toContain(col);
    expect(csv).toHaveLength(3);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'sweep.json'), 'utf8'));
    expect(json.rows.map((r: { level: number }) => r.level)).toEqual([1, 4]);
    expect(json.rows.every((r: { requests: number; goodput: number }) => r.requests === 16 && r.goodput > 0)).toBe(true);
    for (const level of ['concurrency-1', 'concurrency-4']) {
      expect(fs.existsSync(path.join(dir, 'out', level, 'results.jsonl'))).toBe(true);
    }
  }, 60_000);
});
