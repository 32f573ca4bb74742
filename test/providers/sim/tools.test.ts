// Tool calls, response_format and n over HTTP, read back by the OpenAI SDK (an independent client).
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../../src/providers/sim/token-pieces.ts';
import { simulatorWithSdk } from './simulator-with-sdk.ts';
import { chunksOf, postChat, readEvents } from './sse-read.ts';

const sdk = simulatorWithSdk();

const weather: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
      },
      required: ['city', 'unit'],
    },
  },
};
const clock: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', description: 'Local time in a timezone', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } },
};
/** Function tool calls (the SDK's union also has custom tools). */
type FnCall = { id: string; function: { name: string; arguments: string } };
const ask = (content: string): OpenAI.ChatCompletionMessageParam[] => [{ role: 'user', content }];

async function streamed(params: Omit<OpenAI.ChatCompletionCreateParamsStreaming, 'stream'>) {
  const stream = sdk.client.chat.completions.stream({ ...params, stream: true, stream_options: { include_usage: true } });
  return stream.finalChatCompletion();
}

describe('tool calls', () => {
  it('auto: a relevant tool is called, arguments fit the schema and name the prompt\'s city; streamed = whole', async () => {
    const params = { model: 'fast', messages: ask('What is the weather in Paris today?'), tools: [weather, clock] };
    const whole = await sdk.client.chat.completions.create(params);
    const s = await streamed(params);
    for (const c of [whole, s]) {
      expect(c.choices[0].finish_reason).toBe('tool_calls');
      const calls = c.choices[0].message.tool_calls as FnCall[];
      expect(calls.map((t) => t.function.name)).toEqual(['get_weather']);
      const args = JSON.parse(calls[0].function.arguments);
      expect(args.city).toBe('Paris');
      expect(['celsius', 'fahrenheit']).toContain(args.unit);
      expect(Number.isInteger(args.days) && args.days >= 1 && args.days <= 7).toBe(true);
      expect(calls[0].id).toMatch(/^call_/);
    }
    expect(s.choices[0].message.tool_calls).toEqual(whole.choices[0].message.tool_calls);
    expect(whole.choices[0].message.content).toBeNull();
    expect(s.usage!.completion_tokens).toBe(whole.usage!.completion_tokens);
    expect(whole.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('streams the call as deltas: id and name first, then argument fragments', async () => {
    const res = await postChat(sdk.sim.url, { model: 'fast', messages: ask('Weather in Oslo?'), tools: [weather], stream: true });
    const deltas = chunksOf(await readEvents(res)).flatMap((c) => c.choices.map((ch: any) => ch.delta.tool_calls)).filter(Boolean);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas[0][0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas.slice(1).every((d: any) => d[0].id === undefined && typeof d[0].function.arguments === 'string')).toBe(true);
  });

  it('auto without a relevant tool answers in text; none never calls; required and a named function always call', async () => {
    const irrelevant = ask('What is the capital of France?');
    const auto = await sdk.client.chat.completions.create({ model: 'fast', messages: irrelevant, tools: [weather] });
    expect(auto.choices[0].message.tool_calls).toBeUndefined();
    expect(auto.choices[0].finish_reason).toBe('stop');
    const none = await sdk.client.chat.completions.create({ model: 'fast', messages: ask('Weather in Paris?'), tools: [weather], tool_choice: 'none' });
    expect(none.choices[0].message.tool_calls).toBeUndefined();
    const required = await sdk.client.chat.completions.create({ model: 'fast', messages: irrelevant, tools: [weather, clock], tool_choice: 'required' });
    expect((required.choices[0].message.tool_calls as FnCall[]).map((t) => t.function.name)).toEqual(['get_weather']);
    const named = await streamed({
      model: 'fast', messages: ask('Weather in Paris?'), tools: [weather, clock], tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    expect((named.choices[0].message.tool_calls as FnCall[]).map((t) => t.function.name)).toEqual(['get_time']);
    expect(JSON.parse((named.choices[0].message.tool_calls as FnCall[])[0].function.arguments)).toEqual({ zone: 'Paris' });
  });

  it('parallel calls when several tools fit, one when parallel_tool_calls is false', async () => {
    const messages = ask('What is the weather in Rome and the local time there?');
    const both = await streamed({ model: 'fast', messages, tools: [weather, clock] });
    expect((both.choices[0].message.tool_calls as FnCall[]).map((t) => t.function.name).sort()).toEqual(['get_time', 'get_weather']);
    const one = await sdk.client.chat.completions.create({ model: 'fast', messages, tools: [weather, clock], parallel_tool_calls: false });
    expect(one.choices[0].message.tool_calls).toHaveLength(1);
  });

  it('after a tool result, auto answers in text using it', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      ...ask('What is the weather in Paris?'),
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp_c": 18, "sky": "clear"}' },
    ];
    const c = await streamed({ model: 'fast', messages, tools: [weather] });
    expect(c.choices[0].finish_reason).toBe('stop');
    expect(c.choices[0].message.content).toContain('"temp_c": 18');
  });

  it('is deterministic: the same request gets the same calls', async () => {
    const params = { model: 'fast', messages: ask('Weather in Lima for a few days?'), tools: [weather] };
    const a = await sdk.client.chat.completions.create(params);
    const b = await sdk.client.chat.completions.create(params);
    expect(b.choices[0].message.tool_calls).toEqual(a.choices[0].message.tool_calls);
  });

  it('rejects bad tools and tool_choice with 400 naming the parameter', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ tools: [{ type: 'function', function: {} }] }, 'tools[0].function.name'],
      [{ tool_choice: 'auto' }, 'tool_choice'],
      [{ tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice'],
      [{ response_format: { type: 'xml' } }, 'response_format'],
      [{ n: 0 }, 'n'],
    ];
    for (const [extra, param] of cases) {
      const res = await postChat(sdk.sim.url, { model: 'fast', messages: ask('hi'), ...extra });
      expect(res.status).toBe(400);
      expect((await res.json()).error.param).toBe(param);
    }
  });
});

describe('response_format', () => {
  it('json_object: every answer is a JSON object, even when the model would fence or break it', async () => {
    const prompts = ['What is the capital of France?', 'Tell me about otters.', 'Return JSON with keys a, b and c.'];
    for (const p of prompts) {
      for (const model of ['fast', 'slow']) {
        const c = await sdk.client.chat.completions.create({ model, messages: ask(p), response_format: { type: 'json_object' }, n: 3 });
        for (const ch of c.choices) {
          const v = JSON.parse(ch.message.content!);
          expect(typeof v === 'object' && v !== null && !Array.isArray(v)).toBe(true);
        }
      }
    }
    const plain = await sdk.client.chat.completions.create({ model: 'fast', messages: ask('What is the capital of France?') });
    expect(plain.choices[0].message.content).toBe('Paris');
  });

  it('json_schema: the answer fits the schema (required keys, types, ranges), streamed too', async () => {
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['answer', 'confidence', 'tags'],
    };
    const c = await streamed({
      model: 'fast', messages: ask('What is the capital of France?'), response_format: { type: 'json_schema', json_schema: { name: 'a', schema } },
    });
    const v = JSON.parse(c.choices[0].message.content!);
    expect(v.answer).toBe('Paris');
    expect(v.confidence).toBeGreaterThanOrEqual(0);
    expect(v.confidence).toBeLessThanOrEqual(1);
    expect(Array.isArray(v.tags) && v.tags.every((t: unknown) => typeof t === 'string')).toBe(true);
  });
});

describe('n > 1', () => {
  it('answers n choices, streamed and whole alike; usage counts the prompt once and every choice', async () => {
    const params = { model: 'slow', messages: ask('What is the capital of Kenya?'), n: 4 };
    const whole = await sdk.client.chat.completions.create(params);
    const s = await streamed(params);
    const one = await sdk.client.chat.completions.create({ ...params, n: 1 });
    for (const c of [whole, s]) {
      expect(c.choices.map((ch) => ch.index)).toEqual([0, 1, 2, 3]);
      expect(c.usage!.prompt_tokens).toBe(one.usage!.prompt_tokens);
    }
    expect(s.choices.map((ch) => ch.message.content)).toEqual(whole.choices.map((ch) => ch.message.content));
    // Choice 0 is the one-choice answer; the completion tokens are the sum over choices.
    expect(whole.choices[0].message.content).toBe(one.choices[0].message.content);
    const sum = whole.choices.reduce((n, ch) => n + countTokens(ch.message.content!), 0);
    expect(whole.usage!.completion_tokens).toBe(sum);
    expect(sum).toBeGreaterThan(one.usage!.completion_tokens);
    expect(s.usage!.completion_tokens).toBe(whole.usage!.completion_tokens);
  });

  it('choices are drawn apart: a model of modest accuracy is sometimes right and sometimes wrong across 16 choices', async () => {
    const c = await sdk.client.chat.completions.create({ model: 'slow', messages: ask('What is 17 * 23?'), n: 16 });
    const answers = new Set(c.choices.map((ch) => ch.message.content));
    expect(answers.size).toBeGreaterThan(1);
  });
});
