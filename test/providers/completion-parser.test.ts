import { describe, expect, it } from 'vitest';
import { parseCompletionBody } from '../../src/providers/completion-parser.ts';
import { StreamAccumulator } from '../../src/providers/chunk-parser.ts';

describe('parseCompletionBody', () => {
  it('reads content, reasoning, tool calls, usage and finish_reason', () => {
    const p = parseCompletionBody({
      choices: [{
        index: 0,
        finish_reason: 'tool_calls',
        message: {
          role: 'assistant', content: null, reasoning_content: 'why',
          tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
                       { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } }],
        },
      }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
    expect(p.valid).toBe(true);
    expect(p.reasoning).toBe('why');
    expect(p.toolCalls).toEqual([{ id: 'a', name: 'f', arguments: '{"x":1}' }, { id: 'b', name: 'g', arguments: '{}' }]);
    expect(p.hasAnswer).toBe(true);
    expect(p.finishReason).toBe('tool_calls');
    expect(p.usageRaw).toEqual({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
  });

  it('splits inline <think> and reads content arrays', () => {
    const p = parseCompletionBody({ choices: [{ message: { content: '<think>hmm</think>\n\nYes' } }] });
    expect([p.reasoning, p.content, p.hasAnswer]).toEqual(['hmm', 'Yes', true]);
    const m = parseCompletionBody({ choices: [{ message: { content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'a' }] }, { type: 'text', text: 'b' }] } }] });
    expect([m.reasoning, m.content]).toEqual(['a', 'b']);
  });

  it('flags error bodies and non-chat shapes', () => {
    const e = parseCompletionBody({ error: { message: 'oops' } });
    expect(e.valid).toBe(true);
    expect(e.errorMessage).toBe('oops');
    expect(parseCompletionBody({ hello: 'world' }).valid).toBe(false);
    expect(parseCompletionBody([1, 2]).valid).toBe(false);
  });
});

describe('StreamAccumulator', () => {
  const ev = (acc: StreamAccumulator, obj: unknown, t: number, event?: string): void => acc.onEvent(event, JSON.stringify(obj), t);

  it('counts only token-bearing deltas and keeps the last usage and finish_reason', () => {
    const acc = new StreamAccumulator();
    ev(acc, { choices: [{ delta: { role: 'assistant', content: '' } }] }, 1);
    ev(acc, { choices: [{ delta: { content: null, reasoning: 'r' } }], usage: null }, 2);
    ev(acc, { choices: [{ delta: { content: 'a' } }], usage: { completion_tokens: 1 } }, 3);
    ev(acc, { choices: [{ delta: {}, finish_reason: 'stop' }] }, 4);
    ev(acc, { choices: [], usage: { completion_tokens: 2 } }, 5);
    acc.onEvent(undefined, '[DONE]', 6);
    ev(acc, { choices: [{ delta: { content: 'after done' } }] }, 7);
    expect(acc.tokenTimes).toEqual([2, 3]);
    expect([acc.firstTok, acc.firstAnswer, acc.lastTok, acc.doneAt]).toEqual([2, 3, 3, 6]);
    expect(acc.usageRaw).toEqual({ completion_tokens: 2 });
    expect(acc.finishReason).toBe('stop');
    expect(acc.content).toBe('a');
  });

  it('merges fragmented tool calls by index, several calls at once', () => {
    const acc = new StreamAccumulator();
    ev(acc, { choices: [{ delta: { tool_calls: [{ index: 0, id: 'c0', function: { name: 'a', arguments: '' } }] } }] }, 1);
    ev(acc, { choices: [{ delta: { tool_calls: [{ index: 1, id: 'c1', function: { name: 'b', arguments: '{"y"' } }] } }] }, 2);
    ev(acc, { choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] } }] }, 3);
    ev(acc, { choices: [{ delta: { tool_calls: [{ index: 1, function: { arguments: ':2}' } }] } }] }, 4);
    expect(acc.compactToolCalls()).toEqual([
      { id: 'c0', name: 'a', arguments: '{"x":1}' },
      { id: 'c1', name: 'b', arguments: '{"y":2}' },
    ]);
    expect(acc.firstAnswer).toBe(1);
  });

  it('keeps interleaved choices apart (n > 1): choice 0 in the main fields, the others in extraChoices', () => {
    const acc = new StreamAccumulator();
    ev(acc, { choices: [{ index: 1, delta: { content: 'other' } }] }, 1);
    ev(acc, { choices: [{ index: 0, delta: { content: 'mine' } }] }, 2);
    ev(acc, { choices: [{ index: 1, delta: {}, finish_reason: 'length' }, { index: 0, delta: { content: '!' }, finish_reason: 'stop' }] }, 3);
    ev(acc, { choices: [{ index: 2, delta: { tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'tool_calls' }] }, 4);
    ev(acc, { choices: [{ index: 4e9, delta: { content: 'hostile index, ignored' } }, { index: 'x', delta: { content: 'ignored' } }] }, 5);
    acc.finish();
    expect(acc.content).toBe('mine!');
    expect(acc.finishReason).toBe('stop');
    // Every choice's token-bearing delta is an event of the response (docs/metrics.md).
    expect(acc.tokenTimes).toEqual([1, 2, 3, 4]);
    expect(acc.extraChoices()).toEqual([
      { index: 1, content: 'other', reasoning: '', toolCalls: [], finishReason: 'length' },
      { index: 2, content: '', reasoning: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }], finishReason: 'tool_calls' },
    ]);
    const one = new StreamAccumulator();
    ev(one, { choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] }, 1);
    expect(one.extraChoices()).toBeUndefined();
    // A later choice breaking the tool-call protocol fails the answer, as choice 0 would.
    const bad = new StreamAccumulator();
    ev(bad, { choices: [{ index: 1, delta: { tool_calls: [{ index: 4294967294, function: { name: 'f' } }] } }] }, 1);
    expect(bad.protocolError).toMatch(/tool call index 4294967294/);
  });

  it('reads every choice of a whole body (n > 1); a lone choice of another index is still the answer', () => {
    const p = parseCompletionBody({
      choices: [
        { index: 1, message: { content: '<think>hm</think>B' }, finish_reason: 'length' },
        { index: 0, message: { content: 'A' }, finish_reason: 'stop' },
        { index: 2, message: { content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }, finish_reason: 'tool_calls' },
      ],
    });
    expect(p).toMatchObject({ valid: true, content: 'A', finishReason: 'stop' });
    expect(p.extraChoices).toEqual([
      { index: 1, content: 'B', reasoning: 'hm', toolCalls: [], finishReason: 'length' },
      { index: 2, content: '', reasoning: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{"a":1}' }], finishReason: 'tool_calls' },
    ]);
    const lone = parseCompletionBody({ choices: [{ index: 3, message: { content: 'only' }, finish_reason: 'stop' }] });
    expect(lone).toMatchObject({ content: 'only', hasAnswer: true });
    expect(lone.extraChoices).toBeUndefined();
  });

  it('records in-stream errors from all three shapes, first one wins', () => {
    const a = new StreamAccumulator();
    a.onUnknownField('error', '{"error":{"message":"decode failed"}}');
    a.onEvent('error', '{"error":{"message":"later"}}', 1);
    expect(a.streamError).toBe('decode failed');
    const b = new StreamAccumulator();
    b.onEvent('error', 'plain text failure', 1);
    expect(b.streamError).toBe('plain text failure');
    const c = new StreamAccumulator();
    ev(c, { error: { code: 400, message: 'Token limit reached' }, choices: [] }, 1);
    expect(c.streamError).toBe('Token limit reached');
    c.onUnknownField('foo', 'bar');
    expect(c.streamError).toBe('Token limit reached');
    expect(c.unknownFields).toBe(1);
  });
});
