// A run never loads the o200k tokenizer on the thread that reads sockets: not at all when every
// response reports its usage, and in a counting thread when a row needs an estimate, whose counts
// equal the ones the row would have made itself. For one HTTP thread and for worker threads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import { parseSuite } from '../../src/suite/load-suite.ts';
import { readJsonlRows } from '../../src/results/jsonl-sink.ts';
import { countMessageTokens, countTokens, tokenizerLoaded } from '../../src/measure/tokenizer.ts';
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

const suite = (scenario: string, tag: string) => parseSuite(`
name: tok
providers:
  fake: { type: openai-compatible, base_url: "${server.url}" }
models: [fake:m]
pricing:
  "fake:m": { input: 1, output: 2 }
cases:
  - { id: a, prompt: "scenario: ${scenario}" }
  - { id: b, prompt: "scenario: ${scenario} again" }
`, path.join(dir, `${scenario}-${tag}.yaml`));

async function rows(outDir: string) {
  const out = [];
  for await (const r of readJsonlRows(path.join(outDir, 'results.jsonl'))) out.push(r);
  return out.sort((x, y) => x.case_id.localeCompare(y.case_id));
}

describe('the tokenizer in a run', () => {
  for (const workers of [1, 2]) {
    it(`is never loaded when every response reports usage (--workers ${workers})`, async () => {
      const o = await runSuite(suite('timed', `u${workers}`), { outDir: path.join(dir, `usage${workers}`), workers, modelCheck: false });
      expect((await rows(o.outDir)).map((r) => `${r.status}:${r.usage_source}`)).toEqual(['ok:reported', 'ok:reported']);
      expect(tokenizerLoaded()).toBe(false);
    });
  }

  it('counts estimates in a counting thread, not here (--workers 1 and 2)', async () => {
    const runs = [];
    for (const workers of [1, 2]) {
      const o = await runSuite(suite('no-usage', `n${workers}`), { outDir: path.join(dir, `none${workers}`), workers, modelCheck: false });
      runs.push(await rows(o.outDir));
    }
    expect(tokenizerLoaded()).toBe(false);
    // The counts are the ones this thread's tokenizer gives (loaded only now).
    const answer = countTokens('The quick brown fox jumps over the lazy dog.');
    const prompt = (text: string) => countMessageTokens([{ role: 'user', content: text }]);
    for (const got of runs) {
      expect(got.map((r) => `${r.status}:${r.usage_source}`)).toEqual(['ok:estimated', 'ok:estimated']);
      expect(got.map((r) => r.completion_tokens)).toEqual([answer, answer]);
      expect(got.map((r) => r.prompt_tokens)).toEqual([prompt('scenario: no-usage'), prompt('scenario: no-usage again')]);
    }
    expect(tokenizerLoaded()).toBe(true);
  });
});
