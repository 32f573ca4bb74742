import type { AttemptRequest, AttemptResult, ErrorType, FetchLike } from './types.ts';
import type { Clock, Marks } from '../measure/types.ts';
import { normalizeUsage } from '../measure/usage.ts';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { SseFeeder, SseLimitError } from './sse-stream.ts';
import { keepText, MAX_KEPT_CHARS, StreamAccumulator } from './chunk-parser.ts';
import { parseCompletionBody } from './completion-parser.ts';
import { collectRateLimitHeaders, parseRetryAfter } from './retry-after.ts';
import { isCredentialHeader, redactSecrets, requestSecrets } from './redact.ts';
import { describeUrl, urlRefusal } from './url-policy.ts';
import {
  classifyHttpStatus, describeTransportError, summarizeErrorBody, summarizeHtml, truncateMessage,
} from './error-classify.ts';
import type { ChunkSink, Exchange, Transport, TransportResponse } from './transport.ts';
import { httpTransport, sameHeaders } from './http-transport.ts';
import { offAbort, onAbort } from './abort-fanout.ts';
import { fetchTransport } from './fetch-transport.ts';
import { holdUntilDue } from './wait-until.ts';

export interface ClientDeps {
  /**
   * Send through this fetch instead of the default node:http/https transport (tests inject one
   * to stand in for hosts that do not exist). Both give the same AttemptResult for a server.
   */
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
 * Streaming (`body.stream: true`) reads SSE and stamps marks per docs/metrics.md; a 2xx JSON answer
 * to a streaming request (servers that ignore `stream`) is parsed as a non-streamed body.
 * The attempt is bounded by `timeoutMs` (headers and body together) and by `signal`.
 */
export async function sendChatCompletion(req: AttemptRequest, deps: ClientDeps = {}): Promise<AttemptResult> {
  const transport: Transport = deps.fetch ? fetchTransport(deps.fetch) : httpTransport;
  const now = deps.now ?? defaultNow;
  const result = emptyResult();
  const fail = failInto(result, req);

  let headers: Record<string, string>;
  try {
    headers = buildHeaders(req);
  } catch (err) {
    result.marks.send = result.marks.end = now();
    return fail({ type: 'bad_request', message: `invalid request header: ${describeTransportError(err)}` });
  }
  const payload = JSON.stringify(req.body);

  const hold = holdUntilDue(req, now);
  if (hold) await hold;
  const stopped = req.signal?.aborted ? req.signal : req.cancelHold?.aborted ? req.cancelHold : undefined;
  if (stopped) {
    result.marks.send = result.marks.end = now();
    return fail({ type: 'interrupted', message: interruptMessage(stopped) });
  }

  const limits = new AttemptLimits(req);
  const ctx: AttemptContext = { req, now, result, limits, fail };
  try {
    const sent = await sendFollowingRedirects(ctx, transport, headers, payload, deps.allowInsecureHttp ?? false);
    if ('failure' in sent) return fail(sent.failure);
    return await interpretResponse(sent, ctx);
  } finally {
    limits.dispose();
  }
}

/** What sending and reading one attempt share. */
interface AttemptContext {
  req: AttemptRequest;
  now: Clock;
  /** Filled in as the attempt goes; `fail` marks it failed. */
  result: AttemptResult;
  limits: AttemptLimits;
  fail: Fail;
}

function emptyResult(): AttemptResult {
  const marks: Marks = { send: 0, hdr: null, firstTok: null, firstAnswer: null, lastTok: null, end: 0, tokenTimes: [] };
  return {
    ok: false, httpStatus: null, errorType: null, errorMessage: null, retryAfterMs: null, marks,
    content: '', reasoning: '', toolCalls: [], usage: null, finishReason: null, rateLimitHeaders: {},
  };
}

/** Marks `result` failed with a message safe to show: no secret of this request in it. */
function failInto(result: AttemptResult, req: AttemptRequest): Fail {
  return (f) => {
    result.ok = false;
    result.errorType = f.type;
    // Redact before cutting, so a cut can never leave a fragment of a key behind.
    result.errorMessage = truncateMessage(redactSecrets(f.message, requestSecrets(req.apiKey, req.headers)));
    return result;
  };
}

/**
 * The attempt's two limits, `timeoutMs` and the run's signal: either stops the request in flight
 * (the current redirect hop), and the flags say which one fired. One timer and one listener on
 * the run signal, both removed by dispose().
 */
class AttemptLimits {
  private ex: Exchange | null = null;
  private interrupted = false;
  private timedOut = false;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onAbort = (): void => {
    this.interrupted = true;
    this.ex?.abort(new Error(interruptMessage(this.req.signal)));
  };

  constructor(private readonly req: AttemptRequest) {
    if (req.signal) onAbort(req.signal, this.onAbort);
    this.timer =
      req.timeoutMs > 0 && Number.isFinite(req.timeoutMs)
        ? setTimeout(() => {
            this.timedOut = true;
            this.ex?.abort(new Error(`timeout after ${req.timeoutMs} ms`));
          }, req.timeoutMs)
        : undefined;
  }

  /** The request now in flight, which the limits stop. */
  track(ex: Exchange): void {
    this.ex = ex;
  }

  get fired(): boolean {
    return this.interrupted || this.timedOut;
  }

  get wasInterrupted(): boolean {
    return this.interrupted;
  }

  /** Why the request stopped, when a limit stopped it; `phase` says where it was. */
  readonly failure = (phase: string): Failure | null => {
    if (this.interrupted) return { type: 'interrupted', message: interruptMessage(this.req.signal) };
    if (this.timedOut) return { type: 'timeout', message: `no complete answer within ${this.req.timeoutMs} ms (${phase})` };
    return null;
  };

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.req.signal) offAbort(this.req.signal, this.onAbort);
    // A body not read to its end (a failure) must not hold its connection.
    this.ex?.release();
  }
}

/** The final (not a redirect) response and the URL it came from. */
interface Answered {
  res: TransportResponse;
  url: string;
  /** Credentials were dropped on a cross-origin hop (a later 401 says why). */
  stripped: boolean;
}

/** The response, or why there is none. */
type Sent = Answered | { failure: Failure };

/**
 * Sends the request and follows 307/308 hops to the response that is not a redirect; stamps
 * the send and header marks. Redirects are followed here, not by the transport: fetch drops
 * only Authorization on a cross-origin hop, not `api-key` / `x-api-key`, and would turn a POST
 * into a GET on 301/302/303.
 */
async function sendFollowingRedirects(
  ctx: AttemptContext, transport: Transport, headers: Record<string, string>, payload: string, allowInsecureHttp: boolean,
): Promise<Sent> {
  const { now, result, limits } = ctx;
  const marks = result.marks;
  let url = ctx.req.url;
  let sendHeaders = headers;
  let stripped = false;
  for (let hop = 0; ; hop++) {
    const ex = transport.post(url, sendHeaders, payload, now);
    limits.track(ex);
    // A limit that fired while no request was in flight (between two hops) stops this one.
    if (hop > 0 && limits.fired) ex.abort(new Error('stopped'));
    let res: TransportResponse;
    try {
      res = await ex.response;
    } catch (err) {
      if (hop === 0) marks.send = ex.sentAt;
      marks.end = now();
      return { failure: limits.failure('waiting for response headers') ?? {
        type: 'connection', message: `request failed before a response: ${describeTransportError(err)}`,
      } };
    }
    // Read once the head is in: the transport may stamp the send only as the bytes go out.
    if (hop === 0) marks.send = ex.sentAt;
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (location === null) {
      marks.hdr = res.receivedAt;
      return { res, url, stripped };
    }
    result.httpStatus = res.status;
    ex.release();
    const next = redirectTarget(res.status, location, url, hop, allowInsecureHttp);
    if (typeof next === 'string') {
      marks.end = now();
      return { failure: { type: 'invalid_response', message: next } };
    }
    if (next.origin !== new URL(url).origin) {
      const kept = withoutCredentials(sendHeaders);
      stripped ||= kept !== sendHeaders;
      sendHeaders = kept;
    }
    url = next.href;
  }
}

/** Reads the response's head and body into the result: error status, HTML page, SSE or JSON. */
async function interpretResponse(sent: Answered, ctx: AttemptContext): Promise<AttemptResult> {
  const { res } = sent;
  const { result, now, limits, fail } = ctx;
  result.httpStatus = res.status;
  // Both header views (fetch's Headers, node's parsed headers) have the get/forEach this uses.
  result.rateLimitHeaders = collectRateLimitHeaders(res.headers);
  result.retryAfterMs = parseRetryAfter(res.headers, Date.now());
  const contentType = (res.headers.get('content-type') ?? '').toLowerCase();

  if (res.status < 200 || res.status >= 300) {
    const afterRedirect = sent.stripped
      ? ` (after a redirect to ${describeUrl(new URL(sent.url))}: credentials are not sent to another origin; use that URL as base_url)`
      : '';
    return readErrorStatus(res, contentType, afterRedirect, ctx);
  }
  if (contentType.includes('text/html')) return readHtmlPage(res, ctx);

  const sse = contentType.includes('event-stream') || (ctx.req.body.stream === true && !contentType.includes('json'));
  // Handed on, not awaited: this frame need not stay suspended (and copied by every GC) while the body streams.
  return sse
    ? readStreamed(res, result, now, limits.failure, fail)
    : readWhole(res, result, now, contentType, limits.failure, fail);
}

/** A non-2xx answer: failed, classified by status, with its body summarised in one line. */
async function readErrorStatus(res: TransportResponse, contentType: string, afterRedirect: string, ctx: AttemptContext): Promise<AttemptResult> {
  const { result, now, fail } = ctx;
  let summary: string;
  try {
    const body = await readCapped(res, MAX_ERROR_BODY_BYTES);
    result.marks.end = body.end;
    summary = summarizeErrorBody(body.text, contentType);
  } catch (err) {
    result.marks.end = now();
    if (ctx.limits.wasInterrupted) return fail({ type: 'interrupted', message: interruptMessage(ctx.req.signal) });
    summary = `(body unreadable: ${describeTransportError(err)})`;
  }
  return fail({ type: classifyHttpStatus(res.status), message: `HTTP ${res.status}: ${summary}${afterRedirect}` });
}

/** A 2xx HTML page (a login wall, a wrong base URL): not chat completions. */
async function readHtmlPage(res: TransportResponse, ctx: AttemptContext): Promise<AttemptResult> {
  let summary = 'HTML page';
  try {
    summary = summarizeHtml((await readCapped(res, MAX_ERROR_BODY_BYTES)).text);
  } catch {
    // the content type alone decides; the title is a courtesy
  }
  ctx.result.marks.end = ctx.now();
  return ctx.fail({ type: 'invalid_response', message: `HTTP ${res.status} returned text/html, not chat completions: ${summary}` });
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
function withoutCredentials(h: Record<string, string>): Record<string, string> {
  let out: Record<string, string> | null = null;
  for (const name of Object.keys(h)) {
    if (!isCredentialHeader(name)) continue;
    out ??= { ...h };
    delete out[name];
  }
  return out ?? h;
}

/** Collects up to `maxBytes` of a body, then stops reading it. */
class CappedBody implements ChunkSink {
  readonly parts: Uint8Array[] = [];
  size = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Uint8Array): boolean {
    if (this.size + chunk.length > this.maxBytes) {
      this.parts.push(chunk.subarray(0, this.maxBytes - this.size));
      this.size = this.maxBytes;
      this.truncated = true;
      return false;
    }
    this.parts.push(chunk);
    this.size += chunk.length;
    return true;
  }
}

const utf8 = new TextDecoder();

/**
 * Reads at most `maxBytes` of a body (the rest is discarded): error pages and JSON answers alike.
 * `end` is the transport's stamp of the body's last bytes: taking now() after the await instead
 * would add whatever ran between their arrival and this continuation (at 64 in flight, tens of ms).
 */
async function readCapped(res: TransportResponse, maxBytes: number): Promise<{ text: string; truncated: boolean; end: number }> {
  const body = new CappedBody(maxBytes);
  const end = await res.read(body);
  return { text: utf8.decode(Buffer.concat(body.parts, body.size)), truncated: body.truncated, end };
}

/**
 * The request headers as one record of lower-case names (a later name wins, as Headers.set),
 * values trimmed of surrounding whitespace as fetch does (a key read with its trailing newline
 * still works). Throws on a name or a value HTTP does not allow. The record is shared by the
 * requests with the same headers object, key and stream flag (a run's jobs, mostly): the
 * transport only reads it.
 */
function buildHeaders(req: AttemptRequest): Record<string, string> {
  const stream = req.body.stream === true;
  const last = req.headers ? builtHeaders.get(req.headers) : lastPlain;
  if (last !== undefined && last.apiKey === req.apiKey && last.stream === stream && sameEntries(last.source, req.headers)) return last.headers;
  const headers = freshHeaders(req, stream);
  const entry = { apiKey: req.apiKey, stream, source: req.headers ? { ...req.headers } : undefined, headers };
  if (req.headers) builtHeaders.set(req.headers, entry);
  else lastPlain = entry;
  return headers;
}

interface BuiltHeaders {
  apiKey: string | undefined;
  stream: boolean;
  /** A copy of the caller's headers when built: an object changed since is built again. */
  source: Record<string, string> | undefined;
  headers: Record<string, string>;
}

/** By the caller's headers object (weakly: it may be a job's own); requests without one share lastPlain. */
const builtHeaders = new WeakMap<Record<string, string>, BuiltHeaders>();
let lastPlain: BuiltHeaders | undefined;

function sameEntries(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return a === undefined || b === undefined ? a === b : sameHeaders(a, b);
}

function freshHeaders(req: AttemptRequest, stream: boolean): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    accept: stream ? 'text/event-stream' : 'application/json',
  };
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    validateHeaderName(k);
    const name = k.toLowerCase();
    const value = trimHttpWhitespace(v);
    validateHeaderValue(name, value);
    h[name] = value;
  }
  if (req.apiKey) {
    const value = trimHttpWhitespace(`Bearer ${req.apiKey}`);
    validateHeaderValue('authorization', value);
    h.authorization = value;
  }
  return h;
}

const HTTP_WHITESPACE_AROUND = /^[\t\n\r ]+|[\t\n\r ]+$/g;

function trimHttpWhitespace(v: string): string {
  return v.replace(HTTP_WHITESPACE_AROUND, '');
}

function interruptMessage(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  return why && why !== 'This operation was aborted' ? `interrupted: ${why}` : 'interrupted';
}

type AbortFailure = (phase: string) => Failure | null;
type Fail = (f: Failure) => AttemptResult;

async function readStreamed(res: TransportResponse, result: AttemptResult, now: Clock, aborted: AbortFailure, fail: Fail): Promise<AttemptResult> {
  const acc = new StreamAccumulator();
  const marks = result.marks;
  let broken: Failure | null = null;
  const feeder = new SseFeeder(acc);
  try {
    const closedAt = await res.read(feeder);
    feeder.end(closedAt);
    marks.end = acc.doneAt ?? closedAt;
  } catch (err) {
    const at = now();
    // After [DONE] the answer is complete: a reset or timeout while waiting for the close is
    // not a failure of this request.
    if (acc.sawDone) marks.end = acc.doneAt ?? at;
    else {
      marks.end = at;
      broken = aborted('reading the stream') ?? (err instanceof SseLimitError
        ? { type: 'invalid_response', message: err.kind === 'event' ? `HTTP ${res.status} body is not an SSE stream of chat-completion chunks: ${err.message}` : `HTTP ${res.status} stream too large: ${err.message}` }
        : { type: 'stream_reset', message: `connection lost mid-stream: ${describeTransportError(err)}` });
    }
  }
  acc.finish();

  result.content = acc.content;
  result.reasoning = acc.reasoning;
  const dropped = acc.droppedContentChars + acc.droppedReasoningChars;
  if (dropped > 0) result.droppedChars = dropped;
  result.toolCalls = acc.compactToolCalls();
  result.usage = normalizeUsage(acc.usageRaw);
  result.finishReason = acc.finishReason;
  const extra = acc.extraChoices();
  if (extra) result.extraChoices = extra;
  marks.firstTok = acc.firstTok;
  marks.firstAnswer = acc.firstAnswer;
  marks.lastTok = acc.lastTok;
  marks.tokenTimes = acc.tokenTimes;

  if (acc.streamError !== null) return fail({ type: 'stream_error', message: `error in stream: ${acc.streamError}` });
  if (broken) return fail(broken);
  if (acc.protocolError !== null) return fail({ type: 'invalid_response', message: `stream breaks the chat-completions protocol: ${acc.protocolError}` });
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
  res: TransportResponse, result: AttemptResult, now: Clock, contentType: string, aborted: AbortFailure, fail: Fail,
): Promise<AttemptResult> {
  const marks = result.marks;
  let text: string;
  try {
    const body = await readCapped(res, MAX_BODY_BYTES);
    marks.end = body.end;
    if (body.truncated) {
      return fail({ type: 'invalid_response', message: `HTTP ${res.status} body is larger than ${MAX_BODY_BYTES} bytes; not read further` });
    }
    text = body.text;
  } catch (err) {
    marks.end = now();
    return fail(aborted('reading the body') ?? { type: 'stream_reset', message: `connection lost while reading the body: ${describeTransportError(err)}` });
  }
  const end = marks.end;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail({ type: 'invalid_response', message: `HTTP ${res.status} body is not JSON: ${summarizeErrorBody(text, contentType)}` });
  }
  const p = parseCompletionBody(json);
  if (p.protocolError) return fail({ type: 'invalid_response', message: `HTTP ${res.status} body breaks the chat-completions protocol: ${p.protocolError}` });
  if (!p.valid) return fail({ type: 'invalid_response', message: `HTTP ${res.status} body is not a chat completion (no choices)` });
  result.content = keepText(p.content);
  result.reasoning = keepText(p.reasoning);
  const dropped = Math.max(0, p.content.length - MAX_KEPT_CHARS) + Math.max(0, p.reasoning.length - MAX_KEPT_CHARS);
  if (dropped > 0) result.droppedChars = dropped;
  result.toolCalls = p.toolCalls;
  result.usage = normalizeUsage(p.usageRaw);
  result.finishReason = p.finishReason;
  if (p.extraChoices) result.extraChoices = p.extraChoices;
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
