import { countMessageTokens } from '../../../src/measure/tokenizer.ts';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { simulatorWithSdk } from './simulator-with-sdk.ts';
import { chunksOf, postChat, readEvents, simpleBody } from './sse-read.ts';

const sdk = simulatorWithSdk();

async function streamWithClient(params: Record<string, unknown>) {
  const stream = await sdk.client.chat.completions.create({
    messages: [{ role: 'user', content: 'What is 17 * 23?' }],
    stream: true,
    stream_options: { include_usage: true },
    ...params,
  } as OpenAI.ChatCompletionCreateParamsStreaming);
  let content = '';
  let reasoning = '';
  let tokenEvents = 0;
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  let first = true;
  for await (const chunk of stream) {
    if (first) {
      expect(chunk.choices[0].delta).toEqual({ role: 'assistant', content: '' });
      first = false;
      continue;
    }
    if (chunk.usage) {
      expect(chunk.choices).toEqual([]);
      usage = chunk.usage;
    }
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta as { content?: string; reasoning_content?: string };
    if (delta.content) {
      content += delta.content;
      tokenEvents++;
    }
    if (delta.reasoning_content) {
      reasoning += delta.reasoning_content;
      tokenEvents++;
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  return { content, reasoning, tokenEvents, finish, usage };
}

describe('simulator through the official openai client', () => {
  it('streams a correct arithmetic answer with usage that matches the token events', async () => {
    const r = await streamWithClient({ model: 'instant' });
    expect(r.content).toBe('391');
    expect(r.finish).toBe('stop');
    expect(r.usage).toBeDefined();
    expect(r.usage!.completion_tokens).toBe(r.tokenEvents);
    expect(r.usage!.prompt_tokens).toBe(countMessageTokens([{ role: 'user', content: 'What is 17 * 23?' }]));
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
    expect(r.usage!.completion_tokens_details?.reasoning_tokens).toBe(0);
    expect(r.usage!.prompt_tokens_details?.cached_tokens).toBe(0);
  });

  it('counts every reasoning and answer token event, and a client tokenizer agrees', async () => {
    for (const prompt of ['Tell me about relational databases and their indexes.', 'What is the capital of Japan?']) {
      const r = await streamWithClient({ model: 'reasoner', reasoning_effort: 'medium', messages: [{ role: 'user', content: prompt }] });
      expect(r.reasoning.length).toBeGreaterThan(0);
      expect(r.usage!.completion_tokens).toBe(r.tokenEvents);
      expect(r.usage!.completion_tokens_details?.reasoning_tokens).toBe(encode(r.reasoning).length);
      // One tokenizer pass over the concatenated text gives the reported total.
      expect(encode(r.reasoning + r.content).length).toBe(r.usage!.completion_tokens);
    }
  });

  it('answers without streaming with the same text and usage', async () => {
    const res = await sdk.client.chat.completions.create({
      model: 'instant',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
    });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0].message.content).toBe('Paris');
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.usage!.completion_tokens).toBe(encode('Paris').length);
    expect(res.usage!.prompt_tokens).toBe(countMessageTokens([{ role: 'user', content: 'What is the capital of France?' }]));

    const streamed = await streamWithClient({ model: 'instant', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
    expect(streamed.content).toBe(res.choices[0].message.content);
    expect(streamed.usage!.completion_tokens).toBe(res.usage!.completion_tokens);
  });

  it('lists its models', async () => {
    const page = await sdk.client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['fast', 'slow', 'reasoner', 'flaky']));
  });

  it('accepts an Authorization header but does not need one', async () => {
    const res = await postChat(sdk.sim.url, simpleBody('instant', 'Uppercase hello'), {});
    expect(res.status).toBe(200);
    const chunks = chunksOf(await readEvents(res));
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('HELLO');
  });
});

describe('reasoning effort', () => {
  it('grows reasoning tokens with reasoning_effort on the reasoner', async () => {
    const prompt = 'Count the letters in strawberry';
    const counts: Record<string, number> = {};
    for (const effort of ['none', 'low', 'medium', 'high']) {
      const r = await streamWithClient({ model: 'reasoner', reasoning_effort: effort, messages: [{ role: 'user', content: prompt }] });
      counts[effort] = r.usage!.completion_tokens_details!.reasoning_tokens!;
      expect(encode(r.reasoning).length).toBe(counts[effort]);
    }
    expect(counts.none).toBe(0);
    expect(counts.low).toBeGreaterThan(0);
    expect(counts.medium).toBeGreaterThan(counts.low);
    expect(counts.high).toBeGreaterThan(counts.medium);
    expect(counts.high).toBeGreaterThan(120);
    // Unset effort = the model default (medium): reasoning of the same order as medium.
    const unset = await streamWithClient({ model: 'reasoner', messages: [{ role: 'user', content: prompt }] });
    expect(unset.usage!.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(counts.low);
    expect(unset.usage!.completion_tokens_details!.reasoning_tokens).toBeLessThan(counts.high);
  });

  it('ignores reasoning_effort on a non-reasoning model', async () => {
    const r = await streamWithClient({ model: 'instant', reasoning_effort: 'high' });
    expect(r.reasoning).toBe('');
    expect(r.usage!.completion_tokens_details?.reasoning_tokens).toBe(0);
  });
});

describe('max_completion_tokens', () => {
  it('stops at the limit with finish_reason length, streaming and not', async () => {
    const prompt = 'Tell me about the history of computing.';
    const full = await streamWithClient({ model: 'instant', messages: [{ role: 'user', content: prompt }] });
    expect(full.usage!.completion_tokens).toBeGreaterThan(10);
    const cut = await streamWithClient({ model: 'instant', messages: [{ role: 'user', content: prompt }], max_completion_tokens: 7 });
    expect(cut.finish).toBe('length');
    expect(cut.usage!.completion_tokens).toBe(7);
    expect(cut.tokenEvents).toBe(7);
    expect(full.content.startsWith(cut.content)).toBe(true);

    const res = await sdk.client.chat.completions.create({ model: 'instant', messages: [{ role: 'user', content: prompt }], max_completion_tokens: 7 });
    expect(res.choices[0].finish_reason).toBe('length');
    expect(res.usage!.completion_tokens).toBe(7);
    expect(res.choices[0].message.content).toBe(cut.content);
  });

  it('lets reasoning use up the budget before the answer starts', async () => {
    const r = await streamWithClient({ model: 'reasoner', reasoning_effort: 'high', max_completion_tokens: 20 });
    expect(r.finish).toBe('length');
    expect(r.content).toBe('');
    expect(r.usage!.completion_tokens_details!.reasoning_tokens).toBe(20);
  });
});

describe('stop sequences', () => {
  it('cuts the answer before the first stop string', async () => {
    const res = await sdk.client.chat.completions.create({
      model: 'instant', messages: [{ role: 'user', content: 'Reply with exactly: alpha beta gamma' }], stop: [' gamma', 'zzz'],
    });
    expect(res.choices[0].message.content).toBe('alpha beta');
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.usage!.completion_tokens).toBe(encode('alpha beta').length);
  });
});

describe('validation', () => {
  it('answers 404 model_not_found for an unknown model', async () => {
    const res = await postChat(sdk.sim.url, simpleBody('no-such-model', 'hi'));
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.error.code).toBe('model_not_found');
    await expect(sdk.client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }))
      .rejects.toMatchObject({ status: 404 });
  });

  it('answers 400 with an OpenAI-style error for bad JSON, missing messages and bad values', async () => {
    const cases: Array<[unknown, string | null]> = [
      ['{not json', null],
      [{ model: 'fast' }, 'messages'],
      [{ model: 'fast', messages: [] }, 'messages'],
      [{ model: 'fast', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
      [{ model: 'fast', messages: [{ role: 'user', content: 'x' }], max_completion_tokens: 0 }, 'max_completion_tokens'],
      [{ model: 'reasoner', messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'extreme' }, 'reasoning_effort'],
      [{ model: 'fast', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } }, 'stream_options'],
      [{ model: 'fast', messages: [{ role: 'user', content: 'x' }], stop: 5 }, 'stop'],
    ];
    for (const [body, param] of cases) {
      const res = await postChat(sdk.sim.url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = await res.json();
      expect(json.error.type).toBe('invalid_request_error');
      expect(json.error.param).toBe(param);
      expect(typeof json.error.message).toBe('string');
    }
  });

  it('answers 404 JSON on an unknown path', async () => {
    const res = await fetch(`${sdk.sim.url}/nothing-here`);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toBeDefined();
  });
});

describe('prompt caching', () => {
  it('reports cached tokens in 64-token blocks once a prompt prefix was seen', async () => {
    const system = 'You are a careful assistant. '.repeat(30);
    const ask = (q: string) =>
      sdk.client.chat.completions.create({
        model: 'instant',
        messages: [{ role: 'system', content: system }, { role: 'user', content: q }],
      });
    const first = await ask('What is 2 + 2?');
    expect(first.usage!.prompt_tokens).toBeGreaterThan(128);
    expect(first.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
    const again = await ask('What is 2 + 2?');
    // The cache works on content tokens (chat framing is never cached), in whole 64-token blocks.
    const content = encode(system).length + encode('What is 2 + 2?').length;
    expect(again.usage!.prompt_tokens_details!.cached_tokens).toBe(Math.floor(content / 64) * 64);
    const other = await ask('What is the capital of Italy?'); // same system prompt, new question
    const cached = other.usage!.prompt_tokens_details!.cached_tokens!;
    expect(cached % 64).toBe(0);
    expect(cached).toBeGreaterThan(0);
    expect(cached).toBeLessThanOrEqual(encode(system).length);
  });
});

describe('stats', () => {
  it('counts requests and the peak in flight', async () => {
    const before = sdk.sim.stats().requests;
    await Promise.all(
      // A long first-token delay keeps all six open at once even when a busy machine starts them late.
      Array.from({ length: 6 }, (_, i) => postChat(sdk.sim.url, simpleBody('fast', `Reply with exactly: n${i}`), { 'x-sim-ttft-ms': '1500' }).then(readEvents)),
    );
    const s = sdk.sim.stats();
    expect(s.requests - before).toBe(6);
    expect(s.inFlight).toBe(0);
    expect(s.maxInFlight).toBeGreaterThanOrEqual(6);
  });
});
