import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERR, errorBody } from './error-bodies.ts';
import { parseFaultHeader } from './faults.ts';
import { header, numberHeader, sendJson } from './http-io.ts';
import { FAULT_AFTER_EVENT, type Reply } from './reply.ts';
import { resolveFaults, sendStatusFault } from './request-faults.ts';
import { parseChatRequest } from './request-parse.ts';
import { planResponse, promptKey, taskPrompt, type ResponsePlan } from './response-plan.ts';
import type { SimState } from './sim-state.ts';
import { streamReply } from './stream-reply.ts';
import { wholeReply } from './whole-reply.ts';

/** Headers that tell a test what the simulator planned (x-request-id too). */
function planHeaders(id: string, plan: ResponsePlan): Record<string, string> {
  return {
    'x-request-id': id,
    'x-sim-ttft-ms': plan.ttftMs.toFixed(3),
    'x-sim-decode-ms': plan.gapsMs.reduce((a, b) => a + b, 0).toFixed(3),
    'x-sim-task': plan.task ?? 'generic',
    'x-sim-correct': plan.correct === null ? 'n/a' : String(plan.correct),
  };
}

/** One POST /chat/completions with its body read: validate, decide faults, plan, reply. */
export function handleChat(state: SimState, req: IncomingMessage, res: ServerResponse, t0: number, raw: string): void {
  const parsed = parseChatRequest(raw);
  if (!parsed.ok) return sendJson(res, parsed.status, parsed.body);
  const request = parsed.request;
  const found = state.lookupModel(request.model);
  if (!found) return sendJson(res, 404, ERR.modelNotFound(request.model));
  const [modelName, model] = found;

  const { faults: asked, unknown } = parseFaultHeader(header(req, 'x-sim-fault'));
  if (unknown.length > 0) {
    return sendJson(res, 400, errorBody(`Unknown x-sim-fault value(s): ${unknown.join(', ')}.`, 'invalid_request_error', 'invalid_value', 'x-sim-fault'));
  }
  const sample = header(req, 'x-sim-sample') ?? '';
  const pkey = promptKey(request);
  const contentKey = `${modelName}|${request.effort ?? ''}|${pkey}|${sample}|${request.seed ?? ''}|${request.maxTokens ?? ''}`;
  const occurrence = state.nextOccurrence(contentKey);
  const f = resolveFaults(req, { state, model, asked, failKey: `${modelName}|${pkey}|${sample}`, contentKey, occurrence });
  if (sendStatusFault(req, res, f)) return;

  const plan = planResponse({
    seed: state.seed, modelName, model, request, sample, promptKey: pkey, occurrence, promptCache: state.promptCache,
    ttftOverrideMs: numberHeader(req, 'x-sim-ttft-ms') ?? state.options.fixedTtftMs,
    itlOverrideMs: numberHeader(req, 'x-sim-itl-ms') ?? state.options.fixedItlMs,
    pauseMs: f.pauseMs, pauseAfterEvent: FAULT_AFTER_EVENT,
  });
  const id = state.nextId();
  const record = header(req, 'x-sim-record-timing') !== undefined;
  const reply: Reply = {
    res, t0, id, created: state.created, request, plan, faults: f.faults, headers: planHeaders(id, plan),
    onFirstSent: record ? (t: number) => state.timings.add(taskPrompt(request), t0, t) : undefined,
  };
  if (request.stream) streamReply(reply);
  else wholeReply(reply);
}
