import { gzipSync } from 'node:zlib';
import { ERR } from './error-bodies.ts';
import { play, type Reply } from './reply.ts';
import type { ChoicePlan } from './response-plan.ts';
import { wholeBodySink } from './response-sinks.ts';

/** A choice's assistant message: text, or `content: null` with `tool_calls`. */
function message(c: ChoicePlan): Record<string, unknown> {
  const calls = c.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } }));
  const m: Record<string, unknown> = { role: 'assistant', content: calls.length > 0 && !c.answerText ? null : c.answerText, refusal: null };
  if (c.reasoningText) m.reasoning_content = c.reasoningText;
  if (calls.length > 0) m.tool_calls = calls;
  return m;
}

/** The `chat.completion` body of the plan (before faults bend it). */
function completionBody(reply: Reply): Record<string, unknown> {
  const { plan } = reply;
  const completion: Record<string, unknown> = {
    id: reply.id, object: 'chat.completion', created: reply.created, model: reply.request.model,
    system_fingerprint: 'fp_evalbench_sim',
    choices: [plan, ...plan.more].map((c, index) => ({ index, message: message(c), logprobs: null, finish_reason: c.finishReason })),
  };
  if (!reply.faults.has('no-usage')) completion.usage = plan.usage;
  return completion;
}

/** Send the plan as one JSON body when the whole answer would be done. */
export function wholeReply(reply: Reply): void {
  const { res, t0, plan, faults } = reply;
  let body = JSON.stringify(faults.has('error-event') || faults.has('error-in-chunk') ? ERR.streamError() : completionBody(reply));
  if (faults.has('malformed-json')) body = body.slice(0, -1) + ',}';
  if (faults.has('no-done')) body = body.slice(0, Math.floor(body.length / 2));
  const done = t0 + plan.ttftMs + plan.gapsMs.reduce((a, b) => a + b, 0);
  const gzip = faults.has('gzip');
  const bytes = gzip ? gzipSync(body) : Buffer.from(body);
  const head = () =>
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': bytes.length,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...reply.headers,
    });
  if (faults.has('stall') || faults.has('stall-between-tokens')) {
    head();
    res.flushHeaders();
    return;
  }
  const reset = faults.has('reset-mid-stream');
  play(res, [{ at: reset ? t0 + (done - t0) / 2 : done, data: '', exact: true, then: reset ? 'destroy' : 'end' }], wholeBodySink(res, bytes, head));
}
