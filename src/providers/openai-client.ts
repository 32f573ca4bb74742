import type { AttemptRequest, AttemptResult, ErrorType, FetchLike } from './types.ts';
import type { Clock, Marks } from '../measure/types.ts';
import { normalizeUsage } from '../measure/usage.ts';
import { readSseStream } from './sse-stream.ts';
import { StreamAccumulator } from './chunk-parser.ts';
import { parseCompletionBody } from './completion-parser.ts';
import { collectRateLimitHeaders, parseRetryAfter } from './retry-after.ts';
import { redactSecrets, requestSecrets } from './redact.ts';
import {
  classifyHttpStatus, describeTransportError, summarizeErrorBody, summarizeHtml, truncateMessage,
} from './error-classify.ts';

export interface ClientDeps {
  /** Defaults to the global fetch (undici). */
  fetch?: FetchLike;
  /** Monotonic ms clock for the marks; defaults to performance.now(). */
  now?: Clock;
}

const defaultNow: Clock = () => performance.now();

/** What went wrong, before redaction and truncation. */
interface Failure {
  type: ErrorType;
  message: string;
}

/**
 * One HTTP attempt against an OpenAI-compatible `/chat/completions` URL. Never throws: every
 * failure is an AttemptResult with ok=false and an errorType from the closed list.
 *
 * Streaming (`body.stream: true`) reads SSE and stamps marks per DESIGN.md; a 2xx JSON answer
 * to a streaming request (servers that ignore `stream`) is parsed as a non-streamed body.
 * The attempt is bounded by `timeoutMs` (headers and body together) and by `signal`.
 */
export async function sendChatCompletion(req: AttemptRequest, deps: ClientDeps = {}): Promise<AttemptResult> {
  const fetchImpl: FetchLike = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? defaultNow;
  const secrets = requestSecrets(req.apiKey, req.headers);
  const marks: Marks = { send: 0, hdr: null, firstTok: null, firstAnswer: null, lastTok: null, end: 0, tokenTimes: [] };
  const result: AttemptResult = {
    ok: false, httpStatus: null, errorType: null, errorMessage: null, retryAfterMs: null, marks,
    content: '', reasoning: '', toolCalls: [], usage: null, finishReason: null, rateLimitHeaders: {},
  };
  const fail = (f: Failure): AttemptResult => {
    result.ok = false;
    result.errorType = f.type;
    // Redact before cutting, so a cut can never leave a fragment of a key behind.
    result.errorMessage = truncateMessage(redactSecrets(f.message, secrets));
    return result;
  };

  let headers: Headers;
  try {
    headers = buildHeaders(req);
  } catch (err) {
    marks.send = marks.end = now();
    return fail({ type: 'bad_request', message: `invalid request header: ${describeTransportError(err)}` });
  }
  const payload = JSON.stringify(req.body);

  if (req.signal?.aborted) {
    marks.send = marks.end = now();
    return fail({ type: 'interrupted', message: interruptMessage(req.signal) });
  }

  // One controller for both limits (instead of AbortSignal.any + AbortSignal.timeout): the
  // timer is cleared when the attempt ends, and the flags say which limit fired.
  const ctl = new AbortController();
  let interrupted = false;
  let timedOut = false;
  const onAbort = (): void => {
    interrupted = true;
    ctl.abort(req.signal?.reason);
  };
  req.signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    req.timeoutMs > 0 && Number.isFinite(req.timeoutMs)
      ? setTimeout(() => {
          timedOut = true;
          ctl.abort(new DOMException(`timeout after ${req.timeoutMs} ms`, 'TimeoutError'));
        }, req.timeoutMs)
      : undefined;
  const abortFailure = (phase: string): Failure | null => {
    if (interrupted) return { type: 'interrupted', message: interruptMessage(req.signal) };
    if (timedOut) return { type: 'timeout', message: `no complete answer within ${req.timeoutMs} ms (${phase})` };
    return null;
  };

  try {
    let res: Response;
    try {
      marks.send = now();
      res = await fetchImpl(req.url, { method: 'POST', headers, body: payload, signal: ctl.signal });
      marks.hdr = now();
    } catch (err) {
      marks.end = now();
      return fail(abortFailure('waiting for response headers') ?? {
        type: 'connection', message: `request failed before a response: ${describeTransportError(err)}`,
      });
    }

    result.httpStatus = res.status;
    result.rateLimitHeaders = collectRateLimitHeaders(res.headers);
    result.retryAfterMs = parseRetryAfter(res.headers, Date.now());
    const contentType = (res.headers.get('content-type') ?? '').toLowerCase();

    if (res.status < 200 || res.status >= 300) {
      let summary: string;
      try {
        summary = summarizeErrorBody(await res.text(), contentType);
      } catch (err) {
        if (interrupted) {
          marks.end = now();
          return fail({ type: 'interrupted', message: interruptMessage(req.signal) });
        }
        summary = `(body unreadable: ${describeTransportError(err)})`;
      }
      marks.end = now();
      return fail({ type: classifyHttpStatus(res.status), message: `HTTP ${res.status}: ${summary}` });
    }

    if (contentType.includes('text/html')) {
      let summary = 'HTML page';
      try {
        summary = summarizeHtml(await res.text());
      } catch {
        // the content type alone decides; the title is a courtesy
      }
      marks.end = now();
      return fail({ type: 'invalid_response', message: `HTTP ${res.status} returned text/html, not chat completions: ${summary}` });
    }

    const sse = contentType.includes('event-stream') || (req.body.stream === true && !contentType.includes('json'));
    return sse
      ? await readStreamed(res, result, now, abortFailure, fail)
      : await readWhole(res, result, now, contentType, abortFailure, fail);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  }
}

function buildHeaders(req: AttemptRequest): Headers {
  const h = new Headers();
  h.set('content-type', 'application/json');
  h.set('accept', req.body.stream ? 'text/event-stream' : 'application/json');
  for (const [k, v] of Object.entries(req.headers ?? {})) h.set(k, v);
  if (req.apiKey) h.set('authorization', `Bearer ${req.apiKey}`);
  return h;
}

function interruptMessage(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  return why && why !== 'This operation was aborted' ? `interrupted: ${why}` : 'interrupted';
}

type AbortFailure = (phase: string) => Failure | null;
type Fail = (f: Failure) => AttemptResult;

async function readStreamed(res: Response, result: AttemptResult, now: Clock, aborted: AbortFailure, fail: Fail): Promise<AttemptResult> {
  const acc = new StreamAccumulator();
  const marks = result.marks;
  let broken: Failure | null = null;
  if (res.body) {
    try {
      const closedAt = await readSseStream(res.body, now, acc);
      marks.end = acc.doneAt ?? closedAt;
    } catch (err) {
      const at = now();
      // After [DONE] the answer is complete: a reset or timeout while waiting for the close is
      // not a failure of this request.
      if (acc.sawDone) marks.end = acc.doneAt ?? at;
      else {
        marks.end = at;
        broken = aborted('reading the stream') ?? {
          type: 'stream_reset', message: `connection lost mid-stream: ${describeTransportError(err)}`,
        };
      }
    }
  } else {
    marks.end = now();
  }
  acc.finish();

  result.content = acc.content;
  result.reasoning = acc.reasoning;
  result.toolCalls = acc.compactToolCalls();
  result.usage = normalizeUsage(acc.usageRaw);
  result.finishReason = acc.finishReason;
  marks.firstTok = acc.firstTok;
  marks.firstAnswer = acc.firstAnswer;
  marks.lastTok = acc.lastTok;
  marks.tokenTimes = acc.tokenTimes;

  if (acc.streamError !== null) return fail({ type: 'stream_error', message: `error in stream: ${acc.streamError}` });
  if (broken) return fail(broken);
  if (acc.jsonEvents === 0 && !acc.sawDone) {
    if (acc.badEvents > 0 || acc.unknownFields > 0) {
      return fail({ type: 'invalid_response', message: `HTTP ${res.status} body is not an SSE stream of chat-completion chunks` });
    }
    return fail({ type: 'empty_response', message: 'stream closed without any event' });
  }
  if (acc.finishReason === null && !acc.sawDone) {
    return fail({ type: 'truncated', message: `stream ended without finish_reason or [DONE] (${acc.tokenTimes.length} token events received)` });
  }
  if (acc.firstTok === null) {
    return fail({ type: 'empty_response', message: 'stream carried no content, reasoning or tool-call delta' });
  }
  result.ok = true;
  return result;
}

async function readWhole(
  res: Response, result: AttemptResult, now: Clock, contentType: string, aborted: AbortFailure, fail: Fail,
): Promise<AttemptResult> {
  const marks = result.marks;
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    marks.end = now();
    return fail(aborted('reading the body') ?? { type: 'stream_reset', message: `connection lost while reading the body: ${describeTransportError(err)}` });
  }
  const end = now();
  marks.end = end;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail({ type: 'invalid_response', message: `HTTP ${res.status} body is not JSON: ${summarizeErrorBody(text, contentType)}` });
  }
  const p = parseCompletionBody(json);
  if (!p.valid) return fail({ type: 'invalid_response', message: `HTTP ${res.status} body is not a chat completion (no choices)` });
  result.content = p.content;
  result.reasoning = p.reasoning;
  result.toolCalls = p.toolCalls;
  result.usage = normalizeUsage(p.usageRaw);
  result.finishReason = p.finishReason;
  const hasText = p.content.length > 0 || p.reasoning.length > 0 || p.toolCalls.length > 0;
  if (hasText) {
    marks.firstTok = end;
    marks.lastTok = end;
    if (p.hasAnswer) marks.firstAnswer = end;
  }
  if (p.errorMessage !== null) return fail({ type: 'stream_error', message: `error in response: ${p.errorMessage}` });
  if (!hasText) return fail({ type: 'empty_response', message: 'response has no content, reasoning or tool call' });
  result.ok = true;
  return result;
}
