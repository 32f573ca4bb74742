// Replays every recorded server body in shared/fixtures through a real HTTP server and the real
// client. Expected values are read from the fixture files themselves (a naive reference parse
// below), so a test fails when the client disagrees with what the server actually sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendChatCompletion } from '../../src/providers/openai-client.ts';
import type { AttemptResult } from '../../src/providers/types.ts';
import { listFixtures, meta, raw, startFixtureServer, type FixtureServer, type Meta } from './fixture-server.ts';

const text = (name: string): string => raw(name).toString('utf8');
const json = (name: string): any => JSON.parse(text(name));

/** Reference SSE reading: blocks split on blank lines, `data:` lines joined. Deliberately naive. */
function sseBlocks(name: string): { event?: string; data?: string }[] {
  return text(name)
    .split(/\r?\n\r?\n/)
    .map((block) => {
      const out: { event?: string; data?: string } = {};
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('data:')) out.data = out.data === undefined ? line.slice(5).trim() : `${out.data}\n${line.slice(5).trim()}`;
        else if (line.startsWith('event:')) out.event = line.slice(6).trim();
      }
      return out;
    })
    .filter((b) => b.data !== undefined);
}

function chunks(name: string): any[] {
  return sseBlocks(name)
    .filter((b) => b.data !== '[DONE]' && b.event === undefined)
    .map((b) => JSON.parse(b.data!));
}

const deltas = (name: string): any[] => chunks(name).map((c) => c.choices?.[0]?.delta).filter((d) => d != null);
const joined = (name: string, key: string): string =>
  deltas(name).map((d) => (typeof d[key] === 'string' ? d[key] : '')).join('');
const lastUsage = (name: string): any => chunks(name).map((c) => c.usage ?? c.x_groq?.usage).filter((u) => u != null).at(-1);
/** Token-bearing per docs/metrics.md: non-empty content (string or parts), reasoning, or tool calls. */
const tokenEvents = (name: string): number =>
  deltas(name).filter(
    (d) =>
      (typeof d.content === 'string' && d.content !== '') ||
      (Array.isArray(d.content) && JSON.stringify(d.content).includes('"text":"')) || // a part with text ("thinking":[] has none)
      (typeof d.reasoning_content === 'string' && d.reasoning_content !== '') ||
      (typeof d.reasoning === 'string' && d.reasoning !== '') ||
      (Array.isArray(d.tool_calls) && d.tool_calls.length > 0),
  ).length;

function headerValue(m: Meta, name: string): string | undefined {
  const k = Object.keys(m.headers).find((h) => h.toLowerCase() === name);
  return k ? m.headers[k][0] : undefined;
}

let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureServer();
});

afterAll(async () => {
  await server.close();
});

async function replay(name: string): Promise<AttemptResult> {
  const stream = name.endsWith('.sse');
  const r = await sendChatCompletion({
    url: server.url(name),
    apiKey: 'sk-fixture-test-key',
    headers: {},
    body: {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    },
    timeoutMs: 10_000,
  });
  // Invariants for every fixture.
  const mk = r.marks;
  expect(r.httpStatus).toBe(meta(name).status.code);
  expect(mk.hdr).not.toBeNull();
  expect(mk.hdr!).toBeGreaterThanOrEqual(mk.send);
  expect(mk.end).toBeGreaterThanOrEqual(mk.hdr!);
  for (let i = 1; i < mk.tokenTimes.length; i++) expect(mk.tokenTimes[i]).toBeGreaterThanOrEqual(mk.tokenTimes[i - 1]);
  if (r.ok) {
    expect(r.errorType).toBeNull();
    expect(r.errorMessage).toBeNull();
    expect(mk.firstTok).not.toBeNull();
  } else {
    expect(r.errorMessage).toBeTruthy();
    expect(r.errorMessage!.length).toBeLessThanOrEqual(300);
    expect(r.errorMessage).not.toContain('sk-fixture-test-key');
  }
  return r;
}

/** Streaming success checks shared by plain-text fixtures. */
function expectStreamedText(name: string, r: AttemptResult): void {
  expect(r.ok).toBe(true);
  expect(r.content).not.toBe('');
  expect(r.content).toBe(joined(name, 'content'));
  expect(r.marks.tokenTimes).toHaveLength(tokenEvents(name));
}

function expectUsage(r: AttemptResult, u: any): void {
  expect(r.usage).not.toBeNull();
  expect(r.usage!.promptTokens).toBe(u.prompt_tokens);
  expect(r.usage!.completionTokens).toBe(u.completion_tokens);
  expect(r.usage!.totalTokens).toBe(u.total_tokens);
}

function expectHttpError(name: string, r: AttemptResult, type: string): void {
  expect(r.ok).toBe(false);
  expect(r.errorType).toBe(type);
  expect(r.errorMessage).toContain(`HTTP ${meta(name).status.code}`);
  expect(r.content).toBe('');
  expect(r.usage).toBeNull();
}

const CASES: Record<string, (name: string, r: AttemptResult) => void> = {
  'azure-ai-foundry-429-retry-after.json': (name, r) => {
    expectHttpError(name, r, 'rate_limited');
    const err = json(name).error;
    expect(r.errorMessage).toContain(err.code); // RateLimitReached
    expect(r.errorMessage).toContain(err.message.slice(0, 60));
    // Retry-After: 1 with Retry-After-Ms: 0 -> 1000 ms.
    expect(headerValue(meta(name), 'retry-after')).toBe('1');
    expect(r.retryAfterMs).toBe(1000);
    expect(r.rateLimitHeaders['retry-after']).toBe('1');
    expect(r.rateLimitHeaders['retry-after-ms']).toBe('0');
  },

  'azure-openai-gpt-4o-mini-stream-include-usage-prompt-filter.sse': (name, r) => {
    expect(chunks(name)[0].choices).toEqual([]); // the prompt-filter chunk
    expectStreamedText(name, r);
    expectUsage(r, lastUsage(name));
    expect(r.usage!.reasoningTokens).toBe(lastUsage(name).completion_tokens_details.reasoning_tokens);
    expect(r.finishReason).toBe('stop');
  },

  'deepseek-reasoner-stream-reasoning-content.sse': (name, r) => {
    expectStreamedText(name, r);
    expect(r.reasoning).toBe(joined(name, 'reasoning_content'));
    expect(r.reasoning.length).toBeGreaterThan(100);
    expectUsage(r, lastUsage(name));
    expect(r.usage!.reasoningTokens).toBe(198);
    expect(r.usage!.cachedTokens).toBe(0);
    expect(r.marks.firstAnswer!).toBeGreaterThanOrEqual(r.marks.firstTok!);
    expect(r.finishReason).toBe('stop');
  },

  'groq-gpt-oss-stream-event-error-tool-use-failed.sse': (name, r) => {
    expect(r.ok).toBe(false);
    expect(r.errorType).toBe('stream_error');
    const err = JSON.parse(sseBlocks(name).find((b) => b.event === 'error')!.data!).error;
    expect(r.errorMessage).toContain(err.code); // tool_use_failed
    expect(r.errorMessage).toContain('Tool call validation failed');
    // What arrived before the error is kept.
    expect(r.reasoning).toBe(joined(name, 'reasoning'));
    expect(r.reasoning).not.toBe('');
    expect(r.marks.tokenTimes).toHaveLength(tokenEvents(name));
  },

  'groq-gpt-oss-stream-reasoning-tool-calls-x-groq.sse': (name, r) => {
    expect(r.ok).toBe(true);
    const calls = deltas(name).flatMap((d) => d.tool_calls ?? []);
    expect(r.toolCalls).toHaveLength(1);
    expect(r.toolCalls[0].name).toBe('get_something_by_name');
    expect(r.toolCalls[0].id).toBe(calls[0].id);
    expect(r.toolCalls[0].arguments).toBe(calls.map((c) => c.function.arguments ?? '').join(''));
    expect(r.reasoning).toBe(joined(name, 'reasoning'));
    expect(r.content).toBe('');
    expectUsage(r, lastUsage(name));
    expect(r.usage!.reasoningTokens).toBe(lastUsage(name).completion_tokens_details.reasoning_tokens);
    expect(r.finishReason).toBe('tool_calls');
    // The tool call is the answer; reasoning came first.
    expect(r.marks.firstAnswer).not.toBeNull();
    expect(r.marks.firstAnswer!).toBeGreaterThanOrEqual(r.marks.firstTok!);
    expect(r.marks.tokenTimes).toHaveLength(tokenEvents(name));
  },

  'groq-llama3-8b-stream-text-x-groq-usage.sse': (name, r) => {
    expectStreamedText(name, r);
    expect(chunks(name).some((c) => c.usage != null)).toBe(false); // only x_groq.usage
    const u = chunks(name).at(-1).x_groq.usage;
    expectUsage(r, u);
    expect(r.usage!.completionTokens).toBe(73);
    expect(r.rateLimitHeaders['x-ratelimit-reset-tokens']).toBe(headerValue(meta(name), 'x-ratelimit-reset-tokens'));
  },

  'litellm-proxy-stream-include-usage-nonempty-choices.sse': (name, r) => {
    expectStreamedText(name, r);
    const usageChunk = chunks(name).find((c) => c.usage != null);
    expect(usageChunk.choices).toHaveLength(1); // not the usual choices: []
    expectUsage(r, usageChunk.usage);
    expect(r.finishReason).toBe('stop');
  },

  'llamabox-gpustack-qwen3-stream-midstream-error-line.sse': (name, r) => {
    expect(r.ok).toBe(false);
    expect(r.errorType).toBe('stream_error');
    const line = text(name).split('\n').find((l) => l.startsWith('error:'))!;
    expect(r.errorMessage).toContain(JSON.parse(line.slice(6)).error.message);
    expect(r.content).toBe(joined(name, 'content'));
    expect(r.reasoning).toBe(joined(name, 'reasoning_content'));
    expect(r.marks.tokenTimes).toHaveLength(tokenEvents(name));
  },

  'llamabox-gpustack-qwen3-stream-reasoning-usage-timing-no-done.sse': (name, r) => {
    expect(text(name)).not.toContain('[DONE]');
    expectStreamedText(name, r); // finish_reason without [DONE] is a complete answer
    expect(r.reasoning).toBe(joined(name, 'reasoning_content'));
    expectUsage(r, lastUsage(name));
    expect(r.usage!.reasoningTokens).toBe(160);
    expect(r.finishReason).toBe('stop');
    expect(r.marks.end).toBeGreaterThanOrEqual(r.marks.lastTok!);
  },

  'mistral-magistral-medium-stream-thinking-content-array.sse': (name, r) => {
    expect(r.ok).toBe(true);
    const ds = deltas(name);
    const answer = ds.map((d) => (typeof d.content === 'string' ? d.content : '')).join('');
    const thinking = ds
      .flatMap((d) => (Array.isArray(d.content) ? d.content : []))
      .filter((p) => p.type === 'thinking')
      .flatMap((p) => p.thinking)
      .map((t) => t.text)
      .join('');
    expect(thinking.length).toBeGreaterThan(50);
    expect(r.reasoning).toBe(thinking);
    expect(r.content).toBe(answer);
    expect(r.marks.tokenTimes).toHaveLength(tokenEvents(name));
    expectUsage(r, lastUsage(name));
    expect(r.usage!.reasoningTokens).toBeNull(); // Mistral sends no details
  },

  'novita-hf-router-llama-3.1-8b-stream-sla-metrics.sse': (name, r) => {
    expect(deltas(name)[0]).toEqual({ role: 'assistant' }); // role-only first chunk
    expectStreamedText(name, r);
    expect(r.content).toBe('Paris');
    expect(r.marks.tokenTimes).toHaveLength(1);
    expectUsage(r, lastUsage(name));
  },

  'ollama-qwen2.5-0.5b-stream-no-usage.sse': (name, r) => {
    expectStreamedText(name, r);
    expect(r.usage).toBeNull();
    expect(r.finishReason).toBe('stop');
  },

  'ollama-qwen3-stream-reasoning-tool-call-include-usage.sse': (name, r) => {
    expect(r.ok).toBe(true);
    const call = deltas(name).find((d) => d.tool_calls)!.tool_calls[0];
    expect(r.toolCalls).toEqual([{ id: call.id, name: 'weather', arguments: call.function.arguments }]);
    expect(r.reasoning).toBe(joined(name, 'reasoning'));
    expect(r.content).toBe('');
    expectUsage(r, lastUsage(name));
    expect(r.finishReason).toBe('tool_calls');
    expect(r.marks.tokenTimes).toHaveLength(tokenEvents(name));
  },

  'openai-400-unsupported-parameter.json': (name, r) => {
    expectHttpError(name, r, 'bad_request');
    expect(r.errorMessage).toContain(json(name).error.message);
    expect(r.errorMessage).toContain('unsupported_parameter');
    expect(r.rateLimitHeaders['x-ratelimit-limit-requests']).toBe(headerValue(meta(name), 'x-ratelimit-limit-requests'));
  },

  'openai-401-invalid-api-key.json': (name, r) => {
    expectHttpError(name, r, 'auth');
    expect(r.errorMessage).toContain(json(name).error.message.slice(0, 40)); // "Incorrect API key provided: ..."
    expect(r.retryAfterMs).toBeNull();
  },

  'openai-gpt-4.1-mini-nonstream-cached-tokens.json': (name, r) => {
    const body = json(name);
    expect(r.ok).toBe(true);
    expect(r.content).toBe(body.choices[0].message.content);
    expect(r.usage!.cachedTokens).toBe(2048);
    expectUsage(r, body.usage);
    // Non-streaming marks: everything at the end of the body.
    expect(r.marks.tokenTimes).toEqual([]);
    expect(r.marks.firstTok).toBe(r.marks.end);
    expect(r.marks.firstAnswer).toBe(r.marks.end);
    expect(r.marks.lastTok).toBe(r.marks.end);
    const expected = Object.keys(meta(name).headers).filter((h) => h.toLowerCase().startsWith('x-ratelimit-'));
    expect(expected.length).toBeGreaterThan(0);
    expect(Object.keys(r.rateLimitHeaders).sort()).toEqual(expected.map((h) => h.toLowerCase()).sort());
  },

  'openai-gpt-4o-mini-stream-text-include-usage.sse': (name, r) => {
    expectStreamedText(name, r);
    expect(deltas(name)[0].content).toBe(''); // role + empty content: not a token
    expectUsage(r, lastUsage(name));
    expect(r.finishReason).toBe('stop');
  },

  'openai-gpt-4o-mini-stream-tool-calls-include-usage.sse': (name, r) => {
    expect(r.ok).toBe(true);
    const calls = deltas(name).flatMap((d) => d.tool_calls ?? []);
    expect(calls.length).toBeGreaterThan(2); // fragmented arguments
    expect(r.toolCalls).toEqual([
      { id: calls[0].id, name: 'get_capital', arguments: calls.map((c) => c.function.arguments).join('') },
    ]);
    expect(JSON.parse(r.toolCalls[0].arguments)).toEqual({ country: 'UK' });
    expect(r.marks.firstAnswer).toBe(r.marks.firstTok);
    expect(r.marks.tokenTimes).toHaveLength(tokenEvents(name));
    expectUsage(r, lastUsage(name));
    expect(r.finishReason).toBe('tool_calls');
  },

  'openai-gpt-4o-stream-include-usage-cached-tokens.sse': (name, r) => {
    expectStreamedText(name, r);
    expect(r.usage!.cachedTokens).toBe(1280);
    expectUsage(r, lastUsage(name));
    expect(r.finishReason).toBe('length');
    expect(r.rateLimitHeaders['x-ratelimit-remaining-tokens']).toBe(headerValue(meta(name), 'x-ratelimit-remaining-tokens'));
  },

  'openai-o3-mini-nonstream-reasoning-tokens.json': (name, r) => {
    const body = json(name);
    expect(r.ok).toBe(true);
    expect(r.content).toBe(body.choices[0].message.content);
    expect(r.usage!.reasoningTokens).toBe(64);
    expect(r.usage!.completionTokens).toBe(81);
    expect(r.reasoning).toBe(''); // hidden reasoning
  },

  'openrouter-429-upstream-rate-limited.json': (name, r) => {
    expectHttpError(name, r, 'rate_limited');
    const err = json(name).error;
    expect(r.errorMessage).toContain(err.message);
    expect(r.errorMessage).toContain(err.metadata.raw.slice(0, 40));
    expect(r.retryAfterMs).toBeNull();
  },

  'openrouter-minimax-stream-reasoning-error-in-stream.sse': (name, r) => {
    expect(r.ok).toBe(false);
    expect(r.errorType).toBe('stream_error');
    const errChunk = chunks(name).find((c) => c.error);
    expect(r.errorMessage).toContain(errChunk.error.message); // Token limit reached
    // Text and usage received so far are kept (usage rides on the error chunk).
    expect(r.reasoning).toBe(joined(name, 'reasoning'));
    expectUsage(r, errChunk.usage);
    expect(r.usage!.reasoningTokens).toBe(errChunk.usage.completion_tokens_details.reasoning_tokens);
  },

  'perplexity-sonar-stream-usage-every-chunk-no-done.sse': (name, r) => {
    expect(text(name)).toContain('\r\n\r\n');
    expectStreamedText(name, r);
    const last = chunks(name).at(-1);
    expect(last.object).toBe('chat.completion.done');
    expect(r.content).toBe(last.choices[0].message.content); // "1 2 3", not doubled
    expectUsage(r, last.usage); // the last of the repeated usages
    expect(r.finishReason).toBe('stop');
  },

  'together-hf-router-deepseek-r1-stream-think-tags-token-id.sse': (name, r) => {
    expect(r.ok).toBe(true);
    const all = joined(name, 'content');
    expect(all.startsWith('<think>')).toBe(true);
    const close = all.indexOf('</think>');
    expect(r.reasoning).toBe(all.slice('<think>'.length, close));
    expect(r.content).toBe(all.slice(close + '</think>'.length).trimStart());
    expect(r.content).not.toContain('<think>');
    expect(r.marks.firstAnswer!).toBeGreaterThan(r.marks.firstTok!); // 280 KB of reasoning in between
    expect(r.marks.tokenTimes).toHaveLength(tokenEvents(name));
    expectUsage(r, lastUsage(name));
    expect(r.usage!.cachedTokens).toBe(lastUsage(name).cached_tokens); // top-level cached_tokens
    expect(r.retryAfterMs).toBe(30_000); // retry-after: 30 on a 200
  },

  'vllm-crusoe-llama-3.3-70b-stream-include-usage.sse': (name, r) => {
    expectStreamedText(name, r);
    expectUsage(r, lastUsage(name));
    expect(r.usage!.cachedTokens).toBe(lastUsage(name).prompt_tokens_details.cached_tokens);
    expect(r.usage!.reasoningTokens).toBeNull();
  },

  'vllm-llama-3.2-1b-nonstream.json': (name, r) => {
    const body = json(name);
    expect(r.ok).toBe(true);
    expect(r.content).toBe(body.choices[0].message.content);
    expect(r.toolCalls).toEqual([]); // tool_calls: []
    expectUsage(r, body.usage);
    expect(r.usage!.reasoningTokens).toBeNull();
    expect(r.usage!.cachedTokens).toBeNull();
  },

  'extras/openai-404-model-not-found.json': (name, r) => {
    expectHttpError(name, r, 'bad_request');
    expect(r.errorMessage).toContain('model_not_found');
    expect(r.errorMessage).toContain(json(name).error.message);
  },

  'extras/openai-gpt-4o-mini-nonstream-ratelimit-headers.json': (name, r) => {
    const body = json(name);
    expect(r.ok).toBe(true);
    expect(r.content).toBe('YES');
    expectUsage(r, body.usage);
    const m = meta(name);
    for (const h of ['x-ratelimit-limit-requests', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-requests']) {
      expect(r.rateLimitHeaders[h]).toBe(headerValue(m, h));
    }
  },

  'extras/openrouter-401-no-auth.json': (name, r) => {
    expectHttpError(name, r, 'auth');
    expect(r.errorMessage).toBe(`HTTP 401: ${json(name).error.message}`);
  },

  'extras/zai-glm-4.7-stream-reasoning-content.sse': (name, r) => {
    expectStreamedText(name, r);
    expect(r.content).toBe('4');
    expect(r.reasoning).toBe(joined(name, 'reasoning_content'));
    expect(r.usage!.reasoningTokens).toBe(561);
    expect(r.marks.firstAnswer!).toBeGreaterThanOrEqual(r.marks.firstTok!);
  },
};

describe('recorded fixtures through sendChatCompletion', () => {
  it('has exactly one case per fixture file', () => {
    expect(Object.keys(CASES).sort()).toEqual(listFixtures());
  });

  for (const [name, check] of Object.entries(CASES)) {
    it(name, async () => {
      check(name, await replay(name));
    });
  }
});
