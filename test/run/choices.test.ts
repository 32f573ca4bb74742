// n > 1: one row per request, every choice kept and graded in `choices`, usage counted once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/index.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { startSimulator, type RunningSimulator } from '../../src/providers/sim/index.ts';
import { countTokens } from '../../src/providers/sim/token-pieces.ts';

let dir: string;
let sim: RunningSimulator;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-choices-'));
  // A coin-flip model: among 6 choices some are right and some wrong.
  sim = await startSimulator({ fixedTtftMs: 5, fixedItlMs: 0.5, models: { weak: { accuracy: 0.5 } } });
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CASES = `cases:
  - { id: capital, prompt: "What is the capital of Kenya?", assert: [{ type: icontains, value: Nairobi }] }
  - { id: product, prompt: "What is 17 * 23?", assert: [{ type: contains, value: "391" }] }
`;

async function run(name: string, defaults: string, headers = ''): Promise<ResultRow[]> {
  const yaml = `name: n\nproviders:\n  s: { type: openai-compatible, base_url: "${sim.url}"${headers} }\nmodels: [s:weak]\ndefaults:\n${defaults}\n${CASES}`;
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, yaml);
  const outcome = await runSuite(file, { outDir: path.join(dir, name), warmUp: false, allowInsecureHttp: true });
  return fs.readFileSync(outcome.files.jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResultRow)
    .sort((a, b) => a.case_id.localeCompare(b.case_id));
}

/** The simulator's own answer to the same request, asked directly. */
async function direct(prompt: string, n: number) {
  const res = await fetch(`${sim.url}/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'weak', messages: [{ role: 'user', content: prompt }], n, max_completion_tokens: 64 }),
  });
  return (await res.json()) as { choices: { message: { content: string } }[]; usage: { prompt_tokens: number; completion_tokens: number } };
}

describe('n > 1', () => {
  it('streamed and not: one row per request, every choice kept and graded, pass = all choices pass, usage once', async () => {
    const streamed = await run('streamed', '  n: 6\n  max_completion_tokens: 64');
    const whole = await run('whole', '  n: 6\n  max_completion_tokens: 64\n  stream: false');
    for (const rows of [streamed, whole]) {
      expect(rows).toHaveLength(2);
      for (const r of rows) {
        expect(r.status).toBe('ok');
        const choices = r.choices!;
        expect(choices.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
        expect(r.output).toBe(choices[0].output);
        const want = r.case_id === 'capital' ? /nairobi/i : /391/;
        for (const c of choices) {
          expect(c.passed).toBe(want.test(c.output));
          expect(c.finish_reason).toBe('stop');
        }
        expect(r.passed).toBe(choices.every((c) => c.passed));
        expect(r.score).toBeCloseTo(choices.filter((c) => c.passed).length / 6, 6);
        if (!r.passed) expect(r.reasons!.every((x) => /^choice \d: /.test(x))).toBe(true);
        // Usage: the server's figure (prompt once, every choice's completion), not n times the prompt.
        const ref = await direct(r.case_id === 'capital' ? 'What is the capital of Kenya?' : 'What is 17 * 23?', 6);
        expect(choices.map((c) => c.output)).toEqual(ref.choices.map((c) => c.message.content));
        expect(r.completion_tokens).toBe(ref.usage.completion_tokens);
        expect(r.completion_tokens).toBe(choices.reduce((s, c) => s + countTokens(c.output), 0));
        expect(r.prompt_tokens).toBe(ref.usage.prompt_tokens);
        expect(r.total_tokens).toBe(r.prompt_tokens! + r.completion_tokens!);
        expect(r.usage_source).toBe('reported');
      }
    }
    // The coin-flip model really mixes right and wrong choices, so the rule is exercised.
    const all = [...streamed, ...whole].flatMap((r) => r.choices!);
    expect(all.some((c) => c.passed) && all.some((c) => !c.passed)).toBe(true);
    expect(streamed.map((r) => r.choices!.map((c) => c.output))).toEqual(whole.map((r) => r.choices!.map((c) => c.output)));
  }, 60_000);

  it('without reported usage, the estimate counts every choice once and the prompt once', async () => {
    const rows = await run('estimated', '  n: 4\n  max_completion_tokens: 64', ', headers: { x-sim-fault: no-usage }');
    const one = await run('estimated-one', '  max_completion_tokens: 64', ', headers: { x-sim-fault: no-usage }');
    for (const r of rows) {
      expect(r.usage_source).toBe('estimated');
      expect(r.choices).toHaveLength(4);
      const single = one.find((o) => o.case_id === r.case_id)!;
      expect(single.choices).toBeUndefined();
      expect(r.prompt_tokens).toBe(single.prompt_tokens);
      // Choice 0 is the one-choice answer; the other three add their own tokens.
      expect(r.completion_tokens).toBeGreaterThan(single.completion_tokens!);
      expect(r.completion_tokens).toBeLessThanOrEqual(r.choices!.reduce((s, c) => s + countTokens(c.output) + 1, 0));
    }
  }, 60_000);
});
