/** Shown in place of a secret. */
export const REDACTED = '[REDACTED]';

/**
 * Replace every occurrence of each secret (and `Bearer <secret>` as a whole) with [REDACTED].
 * Servers echo keys back in error bodies (OpenAI 401 "Incorrect API key provided: ..."), and
 * transport errors can quote headers, so every message that leaves the client goes through here.
 * Literal matching (split/join): keys may hold regex metacharacters.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined | null)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue; // an empty "secret" would match everywhere
    if (out.includes(s)) {
      out = out.split(`Bearer ${s}`).join(REDACTED).split(s).join(REDACTED);
    }
  }
  return out;
}

/**
 * Shortest secret redacted from answer text and other free text (redactStrings). A local server
 * run with `KEY=x` would otherwise turn every "x" of every answer into [REDACTED]; no real API
 * key is this short. Error messages (redactSecrets alone) still hide any non-empty secret.
 */
export const MIN_REDACTED_SECRET = 8;

/**
 * `value` with redactSecrets applied to every string inside it, keys of objects included:
 * a result row before it is written anywhere (JSONL, then CSV, JUnit, HTML and the console are
 * made from it), so a key echoed in an answer, a reasoning text or a grader's reason never
 * leaves the process. Objects and arrays are copied only where something changed.
 */
export function redactStrings<T>(value: T, secrets: readonly (string | undefined | null)[]): T {
  const long = secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_REDACTED_SECRET);
  return long.length === 0 ? value : (redactValue(value, long) as T);
}

function redactValue(v: unknown, secrets: readonly string[]): unknown {
  if (typeof v === 'string') return redactSecrets(v, secrets);
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'number') continue; // itl_samples: thousands of numbers, nothing to redact
      const r = redactValue(x, secrets);
      if (r !== x) (copy ??= v.slice())[i] = r;
    }
    return copy ?? v;
  }
  let copy: Record<string, unknown> | null = null;
  for (const [k, x] of Object.entries(v)) {
    const r = redactValue(x, secrets);
    const key = redactSecrets(k, secrets);
    if (r === x && key === k) continue;
    copy ??= { ...(v as Record<string, unknown>) };
    if (key !== k) delete copy[k];
    copy[key] = r;
  }
  return copy ?? v;
}

/** Header names whose values are treated as secrets (x-api-key, api-key, Authorization...). */
const SECRET_HEADER = /auth|key|token|secret|cookie|session/i;

/** Whether a header carries a credential: redacted from messages, dropped on a cross-origin redirect. */
export function isCredentialHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

/**
 * The secrets of one request: the API key, plus values of extra headers that look like
 * credentials (e.g. Azure's `api-key`). For Authorization-style values the token after the
 * scheme is added too, so an echo of the bare token is caught.
 */
export function requestSecrets(apiKey: string | undefined, headers: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  if (apiKey) out.push(apiKey);
  if (headers) {
    for (const name of Object.keys(headers)) {
      const v = headers[name];
      if (!v || !SECRET_HEADER.test(name)) continue;
      out.push(v);
      const sp = v.indexOf(' ');
      if (sp > 0 && sp < v.length - 1) out.push(v.slice(sp + 1).trim());
    }
  }
  // Longest first, so a key is not partly replaced by a shorter secret it contains.
  return out.sort((a, b) => b.length - a.length);
}
