import { ERR } from './error-bodies.ts';
import { FAULT_AFTER_EVENT, play, type Reply } from './reply.ts';
import { streamSink } from './response-sinks.ts';
import type { ChoicePlan } from './response-plan.ts';
import type { Step } from './schedule.ts';
import { ChunkEncoder, SSE_DONE, errorEvent } from './sse-chunks.ts';

/** The mid-stream fault's last step, if one strikes at this event. */
function faultStep(reply: Reply, enc: ChunkEncoder, at: number): Step | null {
  const f = reply.faults;
  if (f.has('reset-mid-stream')) return { at, data: '', then: 'destroy' };
  if (f.has('stall-between-tokens')) return { at, data: '', then: 'hold' };
  if (f.has('error-event')) return { at, data: errorEvent(ERR.streamError()), then: 'end' };
  if (f.has('error-in-chunk')) return { at, data: enc.errorChunk(ERR.streamError()) + SSE_DONE, then: 'end' };
  return null;
}

/** One choice's token events in order: reasoning, answer, then each tool call's start and argument pieces. */
function choiceEvents(enc: ChunkEncoder, choice: ChoicePlan, c: number): string[] {
  const events: string[] = [];
  for (const p of choice.reasoning) events.push(enc.reasoning(p.text, c));
  for (const p of choice.answer) events.push(enc.content(p.text, c));
  choice.toolCalls.forEach((call, k) => {
    events.push(enc.toolCallStart(k, call.id, call.name, c));
    for (const p of call.pieces) events.push(enc.toolCallArguments(k, p.text, c));
  });
  return events;
}

/** With n > 1, every choice's k-th event goes out together at the k-th planned time. */
function mergeRanks(perChoice: string[][]): string[] {
  if (perChoice.length === 1) return perChoice[0];
  const ranks = Math.max(...perChoice.map((e) => e.length));
  return Array.from({ length: ranks }, (_, k) => perChoice.map((e) => e[k] ?? '').join(''));
}

/** Send the plan as `chat.completion.chunk` events at their planned times. */
export function streamReply(reply: Reply): void {
  const { res, t0, request, plan, faults } = reply;
  const gzip = faults.has('gzip');
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    ...reply.headers,
  });
  if (faults.has('stall')) {
    res.flushHeaders(); // headers, then nothing until the client gives up
    return;
  }
  const enc = new ChunkEncoder(reply.id, reply.created, request.model, request.includeUsage);
  const choices = [plan, ...plan.more];
  const steps: Step[] = [{ at: t0, data: choices.map((_, c) => enc.role(c)).join('') }];
  const events = mergeRanks(choices.map((choice, c) => choiceEvents(enc, choice, c)));
  const faultAt = Math.min(FAULT_AFTER_EVENT, events.length - 1);
  let at = t0 + plan.ttftMs;
  for (let i = 0; i < events.length; i++) {
    if (i > 0) at += plan.gapsMs[i - 1];
    steps.push(i === 0 ? { at, data: events[i], exact: true, onSent: reply.onFirstSent } : { at, data: events[i] });
    if (i === 0 && faults.has('malformed-json')) steps.push({ at, data: enc.malformed() });
    const last = i === faultAt ? faultStep(reply, enc, at) : null;
    if (last) return play(res, [...steps, last], streamSink(res, gzip));
  }
  if (faults.has('no-done')) {
    steps.push({ at, data: '', then: 'end' });
  } else {
    let tailData = choices.map((choice, c) => enc.finish(choice.finishReason, c)).join('');
    if (request.includeUsage && !faults.has('no-usage')) tailData += enc.usage(plan.usage);
    steps.push({ at, data: tailData + SSE_DONE, then: 'end' });
  }
  play(res, steps, streamSink(res, gzip));
}
