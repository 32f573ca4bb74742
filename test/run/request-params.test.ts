import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/index.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { startRecordingServer, type RecordingServer, type Reply } from '../helpers/recording-server.ts';

let dir: string;
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
const bin = path.resolve(import.meta.dirname, '../../bin/evalbench.js');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-params-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WEATHER_TOOL = `[{ type: function, function: { name: get_weather, parameters: { type: object, properties: { city: { type: string } }, required: [city] } } }]`;

async function runAgainst(server: RecordingServer, body: string, name: string): Promise<ResultRow[]> {
  const yaml = `name: p\nproviders:\n  rec: { type: openai-compatible, base_url: "${server.url}" }\nmodels: [rec:m]\n${body}`;
  const outcome = await runSuite(write(`${name}.yaml`, yaml), { outDir: path.join(dir, name), warmUp: false, allowInsecureHttp: true });
  return fs.readFileSync(outcome.files.jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResultRow)
    .sort((a, b) => a.case_id.localeCompare(b.case_id));
}

describe('request parameters', () => {
  it('top_logprobs: 21 is exit 2 naming the field and its range, before any request', () => {
    const file = write('bad.yaml', 'name: p\nmodels: [sim:fast]\ndefaults:\n  logprobs: true\n  top_logprobs: 21\ncases:\n  - { id: a, prompt: hi }\n');
    const r = spawnSync(process.execPath, [bin, 'validate', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:5:\d+ defaults\.top_logprobs: .*(20|<=20|at most 20)/);
    const n = spawnSync(process.execPath, [bin, 'validate', write('badn.yaml', 'name: p\nmodels: [sim:fast]\ncases:\n  - { id: a, prompt: hi, n: 17, temperature: 2.5 }\n')], { encoding: 'utf8' });
    expect(n.status).toBe(2);
    expect(n.stderr).toMatch(/cases\[0\]\.n: .*16/);
    expect(n.stderr).toMatch(/cases\[0\]\.temperature: .*2/);
    const clash = spawnSync(process.execPath, [bin, 'validate', write('clash.yaml', 'name: p\nmodels: [sim:fast]\ndefaults: { extra_body: { temperature: 1, model: x } }\ncases:\n  - { id: a, prompt: hi }\n')], { encoding: 'utf8' });
    expect(clash.stderr).toMatch(/extra_body\.temperature: use the `temperature` field/);
    expect(clash.stderr).toMatch(/extra_body\.model: `model` is set by evalbench/);
  }, 120_000);

  it('sends every documented parameter and extra_body unchanged, and records them in the row', async () => {
    const server = await startRecordingServer();
    try {
      const rows = await runAgainst(server, `defaults:
  max_completion_tokens: 64
  seed: 7
  logprobs: true
  top_logprobs: 3
  logit_bias: { "1234": -100 }
  response_format: { type: json_object }
  user: u-1
  metadata: { run: nightly }
  stop: ["\\n\\n"]
  extra_body: { top_k: 40, chat_template_kwargs: { enable_thinking: false } }
cases:
  - id: a
    prompt: hi
    extra_body: { top_k: 5, repetition_penalty: 1.1 }
    temperature: 0.2
`, 'all');
      const body = server.bodies[0];
      expect(body).toMatchObject({
        model: 'm', max_completion_tokens: 64, seed: 7, logprobs: true, top_logprobs: 3, logit_bias: { 1234: -100 },
        response_format: { type: 'json_object' }, user: 'u-1', metadata: { run: 'nightly' }, stop: ['\n\n'], temperature: 0.2,
        top_k: 5, repetition_penalty: 1.1, chat_template_kwargs: { enable_thinking: false },
      });
      expect(body).not.toHaveProperty('extra_body');
      expect(rows[0].request).toMatchObject({ top_logprobs: 3, extra_body: { top_k: 5, repetition_penalty: 1.1, chat_template_kwargs: { enable_thinking: false } } });
    } finally {
      await server.close();
    }
  });
});

describe('tools and turns', () => {
  const reply = (body: Record<string, unknown>): Reply => {
    const last = (body.messages as { role: string; content: string }[]).at(-1)!;
    if (last.role === 'tool') return { content: 'It is sunny in Paris.' };
    const city = /Paris|Oslo/.exec(last.content)?.[0] ?? 'Rome';
    return { tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city, unit: 'c' }) } }] };
  };

  it('sends tools and tool_choice, keeps streamed and non-streamed tool calls in the row and grades tool-call on them', async () => {
    const server = await startRecordingServer({ reply });
    try {
      const rows = await runAgainst(server, `defaults:
  tools: ${WEATHER_TOOL}
  tool_choice: required
  parallel_tool_calls: false
cases:
  - id: streamed
    prompt: Weather in Paris?
    assert: [{ type: tool-call, value: { name: get_weather, arguments: { city: Paris } } }]
  - id: unstreamed
    stream: false
    prompt: Weather in Oslo?
    assert:
      - type: tool-call
        value: { name: get_weather, schema: { type: object, required: [city], properties: { city: { const: Oslo } } } }
  - id: wrong-city
    prompt: Weather in Oslo?
    assert: [{ type: tool-call, value: { name: get_weather, arguments: { city: Paris } } }]
  - id: after-tool
    messages:
      - { role: user, content: Weather in Paris? }
      - role: assistant
        content: null
        tool_calls: [{ id: call_1, type: function, function: { name: get_weather, arguments: '{"city":"Paris"}' } }]
      - { role: tool, tool_call_id: call_1, content: '{"sky":"sunny"}' }
    assert: [{ type: contains, value: sunny }, { type: not-tool-call, value: get_weather }]
`, 'tools');
      const first = server.bodies.find((b) => JSON.stringify(b.messages).includes('Paris') && (b.messages as unknown[]).length === 1)!;
      expect(first.tools).toEqual([{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }]);
      expect(first).toMatchObject({ tool_choice: 'required', parallel_tool_calls: false, stream: true });
      const turn = server.bodies.find((b) => (b.messages as unknown[]).length === 3)!;
      expect(turn.messages).toEqual([
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"sunny"}' },
      ]);
      const byId = Object.fromEntries(rows.map((r) => [r.case_id, r]));
      expect(byId.streamed.tool_calls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' }]);
      expect(byId.streamed.finish_reason).toBe('tool_calls');
      expect(byId.streamed.ttft_ms).not.toBeNull();
      expect(byId.streamed.request?.tools).toEqual(['get_weather']);
      expect(byId.unstreamed.tool_calls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo","unit":"c"}' }]);
      expect([byId.streamed.passed, byId.unstreamed.passed, byId['wrong-city'].passed, byId['after-tool'].passed]).toEqual([true, true, false, true]);
      expect(byId['wrong-city'].reasons?.join(' ')).toMatch(/`get_weather` with \{"city":"Oslo"/);
    } finally {
      await server.close();
    }
  });

  it('is-valid-json-schema-output checks the answer against the response_format schema', async () => {
    const server = await startRecordingServer({ reply: (b) => ({ content: JSON.stringify(b.user === 'good' ? { answer: 4 } : { answer: 'four' }) }) });
    try {
      const rf = '{ type: json_schema, json_schema: { name: sum, strict: true, schema: { type: object, required: [answer], properties: { answer: { type: integer } } } } }';
      const rows = await runAgainst(server, `defaults:\n  response_format: ${rf}\ncases:
  - { id: good, user: good, prompt: "2+2 as JSON", assert: [{ type: is-valid-json-schema-output }] }
  - { id: bad, user: bad, prompt: "2+2 as JSON", assert: [{ type: is-valid-json-schema-output }] }
`, 'rf');
      expect(rows.map((r) => [r.case_id, r.passed])).toEqual([['bad', false], ['good', true]]);
      expect(rows[0].reasons?.join(' ')).toMatch(/answer must be integer/);
    } finally {
      await server.close();
    }
  });
});

describe('a server that rejects stream_options', () => {
  it('is retried once without it, and its rows say usage was estimated', async () => {
    const server = await startRecordingServer({ reject400: 'stream_options', reply: () => ({ content: 'hello there' }) });
    try {
      const rows = await runAgainst(server, 'concurrency: 1\ncases:\n  - { id: a, prompt: hi }\n  - { id: b, prompt: ho }\n', 'so');
      expect(rows.map((r) => [r.status, r.usage_source])).toEqual([['ok', 'estimated'], ['ok', 'estimated']]);
      // The first job: rejected, then sent without; the second starts without it.
      expect(server.bodies.map((b) => 'stream_options' in b)).toEqual([true, false, false]);
      expect(rows[0].completion_tokens).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
