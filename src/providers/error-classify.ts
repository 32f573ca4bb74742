import type { ErrorType } from './types.ts';

/** Longest error message we keep: enough to act on, short enough for a CSV cell. */
export const MAX_ERROR_MESSAGE = 300;

export function truncateMessage(text: string, max = MAX_ERROR_MESSAGE): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The one retryability table (src/run/retry.ts reads it): error types and statuses worth another
 * try. 408 (request timeout) and 409 (conflict) are `bad_request` by type but transient by nature,
 * so they are retried (README: error types).
 */
export const RETRYABLE_ERROR_TYPES: ReadonlySet<ErrorType> = new Set<ErrorType>(['connection', 'stream_reset', 'timeout', 'rate_limited', 'server_error']);
const RETRYABLE_4XX = new Set([408, 409, 429]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_4XX.has(status) || status >= 500;
}

/** docs/metrics.md failure rules for a non-2xx status. */
export function classifyHttpStatus(status: number): ErrorType {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'bad_request';
  return 'invalid_response'; // 1xx/3xx left over after fetch's redirect handling
}

function asText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() || null;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/**
 * The human part of a JSON error object, across server dialects:
 * OpenAI `{error:{message,type,code}}`, Azure `{error:{code:"RateLimitReached",message}}`,
 * OpenRouter `{error:{code:429,message,metadata:{raw}}}`, Ollama/llama.cpp `{error:"..."}`,
 * vLLM `{object:"error",message}`, FastAPI `{detail:"..."|[{msg}]}`. Null when none of these.
 */
export function errorMessageFromJson(json: unknown): string | null {
  if (json === null || typeof json !== 'object') return asText(json);
  const o = json as Record<string, unknown>;
  const err = o.error;
  if (err !== undefined && err !== null) {
    if (typeof err !== 'object') return asText(err);
    const e = err as Record<string, unknown>;
    let msg = asText(e.message) ?? asText(e.detail) ?? asText(e.type);
    const code = asText(e.code);
    const raw = e.metadata && typeof e.metadata === 'object' ? asText((e.metadata as Record<string, unknown>).raw) : null;
    if (raw && msg && !msg.includes(raw)) msg = `${msg}: ${raw}`;
    msg ??= raw;
    // A string code (invalid_api_key, RateLimitReached, tool_use_failed) names the cause; a
    // numeric one only repeats the HTTP status.
    if (code && !/^\d+$/.test(code) && !(msg ?? '').includes(code)) return msg ? `${code}: ${msg}` : code;
    return msg ?? code;
  }
  const msg = asText(o.message);
  if (msg) return msg;
  if (Array.isArray(o.detail)) {
    const parts = o.detail.map((d) => (d && typeof d === 'object' ? asText((d as Record<string, unknown>).msg) : asText(d)));
    const joined = parts.filter((p): p is string => !!p).join('; ');
    if (joined) return joined;
  }
  return asText(o.detail);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", nbsp: ' ' };

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#39|nbsp);/g, (_, e: string) => ENTITIES[e] ?? _);
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** An HTML page in a few words: its <title>, else its first visible text. */
export function summarizeHtml(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  if (title && collapse(title[1])) return collapse(decodeEntities(title[1]));
  const text = collapse(decodeEntities(html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ')));
  return text || 'HTML page';
}

/**
 * One line describing an error body: the server's message from JSON, an HTML page's title,
 * or the text itself; never the whole body. Not redacted or truncated (the caller does both,
 * redaction first so a cut can never leave part of a key).
 */
export function summarizeErrorBody(text: string, contentType: string | null): string {
  const body = text.trim();
  if (body === '') return '(empty body)';
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('json') || body.startsWith('{') || body.startsWith('[')) {
    try {
      const msg = errorMessageFromJson(JSON.parse(body));
      if (msg) return collapse(msg);
    } catch {
      // not JSON after all: fall through to the text summary
    }
  }
  if (ct.includes('html') || /^<(!doctype|html|head|body)/i.test(body)) return summarizeHtml(body);
  return collapse(body.slice(0, 2 * MAX_ERROR_MESSAGE));
}

/**
 * A transport error in words, with its system-level cause: undici reports "fetch failed" with
 * the real reason (ECONNREFUSED, ENOTFOUND, "other side closed"...) in `cause`, sometimes an
 * AggregateError when several addresses were tried.
 */
export function describeTransportError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const parts: string[] = [err.message || err.name];
  let cause: unknown = (err as { cause?: unknown }).cause;
  for (let depth = 0; cause && depth < 3; depth++) {
    if (cause instanceof AggregateError && cause.errors.length > 0 && !cause.message) cause = cause.errors[0];
    const c = cause as { message?: unknown; code?: unknown; cause?: unknown };
    const msg = typeof c.message === 'string' && c.message ? c.message : '';
    const code = typeof c.code === 'string' ? c.code : '';
    const piece = msg && code && !msg.includes(code) ? `${code}: ${msg}` : msg || code;
    if (piece && !parts.some((p) => p.includes(piece))) parts.push(piece);
    cause = c.cause;
  }
  return parts.join(': ');
}
