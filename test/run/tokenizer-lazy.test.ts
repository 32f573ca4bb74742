// runSuite loads the o200k tokenizer only when a row needs an estimate (the server sent no
// usage): a run whose server reports usage never pays its ~36 MB and ~200 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/run/run-suite.ts';
import { parseSuite } from '../../src/suite/load-suite.ts';
import { readJsonlRows } from '../../src/report/jsonl-sink.ts';
import { tokenizerLoaded } from '../../src/measure/tokenizer.ts';
import { startFakeServer, type FakeServer } from '../helpers/fake-openai-server.ts';

let server: FakeServer;
let dir: string;
beforeAll(async () => {
  server = await startFakeServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-tok-'));
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const suite = (scenario: string) => parseSuite(`
name: tok
providers:
  fake: { type: openai-compatible, base_url: "${server.url}" }
models: [fake:m]
pricing:
  "fake:m": { input: 1, output: 2 }
cases:
  - { id: a, prompt: "scenario: ${scenario}" }
  - { id: b, prompt: "scenario: ${scenario} again" }
`, path.join(dir, `${scenario}.yaml`));

async function usageSources(outDir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const r of readJsonlRows(path.join(outDir, 'results.jsonl'))) out.push(`${r.status}:${r.usage_source}`);
  return out;
}

describe('tokenizer loading in a run', () => {
  it('is not loaded when every response reports its usage', async () => {
    const o = await runSuite(suite('timed'), { outDir: path.join(dir, 'usage'), warmUp: false });
    expect(await usageSources(o.outDir)).toEqual(['ok:reported', 'ok:reported']);
    expect(tokenizerLoaded()).toBe(false);
  });
  it('is loaded by the first row that needs an estimate', async () => {
    const o = await runSuite(suite('no-usage'), { outDir: path.join(dir, 'none'), warmUp: false });
    expect(await usageSources(o.outDir)).toEqual(['ok:estimated', 'ok:estimated']);
    expect(tokenizerLoaded()).toBe(true);
  });
});
