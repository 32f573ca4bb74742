import type { AttemptRequest, AttemptResult, ErrorType, FetchLike } from './types.ts';
import type { Clock, Marks } from '../measure/types.ts';
import { normalizeUsage } from '../measure/usage.ts';
import { readSseStream, SseLimitError } from './sse-stream.ts';
import { keepText, StreamAccumulator } from './chunk-parser.ts';
import { parseCompletionBody } from './completion-parser.ts';
import { collectRateLimitHeaders, parseRetryAfter } from './retry-after.ts';
import { isCredentialHeader, redactSecrets, requestSecrets } from './redact.ts';
import { describeUrl, urlRefusal } from './url-policy.ts';
import {
  classifyHttpStatus, describeTransportError, summarizeErrorBody, summarizeHtml, truncateMessage,
} from './error-classify.ts';

export interface ClientDeps {
  /** Defaults to the global fetch (undici). */
  fetch?: FetchLike;
  /** Monotonic ms clock for the marks; defaults to performance.now(). */
  now?: Clock;
  /** `--allow-insecure-http`: a redirect may lead to http:// on another machine (see url-policy.ts). */
  allowInsecureHttp?: boolean;
}

/** Redirect hops followed per attempt, at most. */
export const MAX_REDIRECTS = 5;
/** Largest 2xx non-streamed body read (JSON is parsed whole, so it is held whole). */
export const MAX_BODY_BYTES = 32 << 20;
/** Of an error body (non-2xx, HTML) only this much is read: it is summarised in one line anyway. */
export const MAX_ERROR_BODY_BYTES = 64 << 10;

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
    let url = req.url;
    let sendHeaders = headers;
    /** Credentials were dropped on a cross-origin hop (a later 401 says why). */
    let stripped = false;
    marks.send = now();
    for (let hop = 0; ; hop++) {
      try {
        // Redirects are followed here, not by fetch: fetch drops only Authorization on a
        // cross-origin hop, not `api-key` / `x-api-key`, and would turn a POST into a GET on
        // 301/302/303.
        res = await fetchImpl(url, { method: 'POST', headers: sendHeaders, body: payload, signal: ctl.signal, redirect: 'manual' });
      } catch (err) {
        marks.end = now();
        return fail(abortFailure('waiting for response headers') ?? {
          type: 'connection', message: `request failed before a response: ${describeTransportError(err)}`,
        });
      }
      const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
      if (location === null) break;
      result.httpStatus = res.status;
      await res.body?.cancel().catch(() => {});
      const next = redirectTarget(res.status, location, url, hop, deps.allowInsecureHttp ?? false);
      if (typeof next === 'string') {
        marks.end = now();
        return fail({ type: 'invalid_response', message: next });
      }
      if (next.origin !== new URL(url).origin) {
        const kept = withoutCredentials(sendHeaders);
        stripped ||= kept !== sendHeaders;
        sendHeaders = kept;
      }
      url = next.href;
    }
    marks.hdr = now();

    result.httpStatus = res.status;
    result.rateLimitHeaders = collectRateLimitHeaders(res.headers);
    result.retryAfterMs = parseRetryAfter(res.headers, Date.now());
    const contentType = (res.headers.get('content-type') ?? '').toLowerCase();
    const afterRedirect = stripped
      ? ` (after a redirect to ${describeUrl(new URL(url))}: credentials are not sent to another origin; use that URL as base_url)`
      : '';

    if (res.status < 200 || res.status >= 300) {
      let summary: string;
      try {
        summary = summarizeErrorBody((await readCapped(res.body, MAX_ERROR_BODY_BYTES)).text, contentType);
      } catch (err) {
        if (interrupted) {
          marks.end = now();
          return fail({ type: 'interrupted', message: interruptMessage(req.signal) });
        }
        summary = `(body unreadable: ${describeTransportError(err)})`;
      }
      marks.end = now();
      return fail({ type: classifyHttpStatus(res.status), message: `HTTP ${res.status}: ${summary}${afterRedirect}` });
    }

    if (contentType.includes('text/html')) {
      let summary = 'HTML page';
      try {
        summary = summarizeHtml((await readCapped(res.body, MAX_ERROR_BODY_BYTES)).text);
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

/**
 * Where a 3xx leads, or why it is not followed (a message). 307/308 keep the method and body
 * and are followed (up to MAX_REDIRECTS, each target under the url-policy rule); 301/302/303
 * would turn the POST into a GET, so they are reported with their target instead.
 */
function redirectTarget(status: number, location: string, from: string, hop: number, allowInsecureHttp: boolean): URL | string {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    return `HTTP ${status} redirect with an invalid Location header`;
  }
  if (status !== 307 && status !== 308) {
    return `HTTP ${status} redirect to ${describeUrl(to)} not followed: a POST would become a GET. Use that URL as base_url.`;
  }
  if (hop >= MAX_REDIRECTS) return `more than ${MAX_REDIRECTS} redirects (last to ${describeUrl(to)})`;
  const refusal = urlRefusal(to, { allowInsecureHttp });
  return refusal ? `HTTP ${status} redirect refused: ${refusal.message}` : to;
}

/** The headers minus Authorization and other credential-looking ones; the same object when none. */
function withoutCredentials(h: Headers): Headers {
  const drop: string[] = [];
  h.forEach((_, name) => {
    if (isCredentialHeader(name)) drop.push(name);
  });
  if (drop.length === 0) return h;
  const out = new Headers(h);
  for (const name of drop) out.delete(name);
  return out;
}

/** Reads at most `maxBytes` of a body (then cancels it): error pages and JSON answers alike. */
async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (!body) return { text: '', truncated: false };
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      if (size + r.value.length > maxBytes) {
        parts.push(r.value.subarray(0, maxBytes - size));
        size = maxBytes;
        truncated = true;
        await reader.cancel().catch(() => {});
        break;
      }
      parts.push(r.value);
      size += r.value.length;
    }
  } finally {
    reader.releaseLock();
  }
  return { text: new TextDecoder().decode(Buffer.concat(parts, size)), truncated };
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
        broken = aborted('reading the stream') ?? (err instanceof SseLimitError
          ? { type: 'invalid_response', message: `HTTP ${res.status} body is not an SSE stream of chat-completion chunks: ${err.message}` }
          : { type: 'stream_reset', message: `connection lost mid-stream: ${describeTransportError(err)}` });
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
  if (acc.malformedEvents > 0 && acc.jsonEvents > 0) {
    return fail({
      type: 'invalid_response',
      message: `${acc.malformedEvents} SSE event(s) were malformed JSON, so text, finish_reason or usage may be lost (first: ${acc.firstMalformed})`,
    });
  }
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
    const body = await readCapped(res.body, MAX_BODY_BYTES);
    if (body.truncated) {
      marks.end = now();
      return fail({ type: 'invalid_response', message: `HTTP ${res.status} body is larger than ${MAX_BODY_BYTES} bytes; not read further` });
    }
    text = body.text;
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
  result.content = keepText(p.content);
  result.reasoning = keepText(p.reasoning);
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
