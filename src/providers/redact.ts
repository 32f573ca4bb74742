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
