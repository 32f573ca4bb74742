import type { IncomingMessage, ServerResponse } from 'node:http';

/** First value of a request header (Node joins some, lists others). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A non-negative number header, undefined when absent or not a number. */
export function numberHeader(req: IncomingMessage, name: string): number | undefined {
  const v = header(req, name);
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/**
 * Collect a request body up to `maxBytes`; `done` gets the text, or null when it was larger
 * (the rest is read and dropped so the connection stays usable). A broken upload ends the response.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, maxBytes: number, done: (text: string | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > maxBytes) tooLarge = true;
    else chunks.push(c);
  });
  req.on('end', () => {
    if (tooLarge) return done(null);
    done(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
  });
  req.on('error', () => res.destroy());
}
