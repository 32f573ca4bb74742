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

  it('follows choice 0 only when a server interleaves other choices', () => {
    const acc = new StreamAccumulator();
    ev(acc, { choices: [{ index: 1, delta: { content: 'other' } }] }, 1);
    ev(acc, { choices: [{ index: 0, delta: { content: 'mine' } }] }, 2);
    ev(acc, { choices: [{ index: 1, delta: {}, finish_reason: 'length' }, { index: 0, delta: { content: '!' }, finish_reason: 'stop' }] }, 3);
    expect(acc.content).toBe('mine!');
    expect(acc.finishReason).toBe('stop');
    expect(acc.tokenTimes).toEqual([2, 3]);
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
