// suites/tools.yaml run as a user would: through the CLI on the built-in simulator.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { ResultRow } from '../../src/results/result-row.ts';

const root = path.resolve(import.meta.dirname, '../..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-tools-suite-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

it('suites/tools.yaml runs on the simulator: exit 0, every case passes, the tool calls are in the rows', () => {
  const res = spawnSync(process.execPath, [path.join(root, 'bin/evalbench.js'), 'run', path.join(root, 'suites/tools.yaml'), '--out', out, '--progress', 'off'], {
    encoding: 'utf8', timeout: 120_000,
  });
  expect(res.status, res.stderr).toBe(0);
  const rows = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResultRow);
  expect(rows).toHaveLength(12);
  expect(rows.filter((r) => r.passed !== true).map((r) => [r.case_id, r.model, r.reasons])).toEqual([]);
  const byCase = (id: string) => rows.filter((r) => r.case_id === id);
  for (const r of byCase('weather-auto')) {
    expect(r.finish_reason).toBe('tool_calls');
    expect(r.tool_calls!.map((t) => t.name)).toEqual(['get_weather']);
    expect(JSON.parse(r.tool_calls![0].arguments)).toMatchObject({ city: 'Paris' });
    expect(r.request?.tools).toEqual(['get_weather', 'get_time']);
  }
  for (const r of byCase('parallel-calls')) expect(r.tool_calls!.map((t) => t.name).sort()).toEqual(['get_time', 'get_weather']);
  for (const r of byCase('time-named')) expect(r.tool_calls!.map((t) => t.name)).toEqual(['get_time']);
  for (const r of byCase('after-tool-result')) {
    expect(r.tool_calls).toBeUndefined();
    expect(r.output).toContain('"temp_c": 18');
  }
  for (const r of byCase('json-mode')) expect(JSON.parse(r.output)).toEqual({ answer: 'Nairobi' });
}, 150_000);
