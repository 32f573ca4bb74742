// Request options are prepared once per endpoint (http-transport.ts Endpoint): reuse must never
// send a stale header or a wrong Content-Length.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpTransport } from '../../src/providers/http-transport.ts';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (s: string) => (body += s));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function post(path: string, headers: Record<string, string>, payload: string): Promise<void> {
  const ex = httpTransport.post(`${base}${path}`, headers, payload, () => performance.now());
  const res = await ex.response;
  expect(res.status).toBe(200);
  await res.read({ push: () => true });
}

describe('per-endpoint request options', () => {
  it('sends each request its own headers, body length and path', async () => {
    seen.length = 0;
    await post('/v1/chat/completions?x=1', { authorization: 'Bearer a', 'content-type': 'application/json' }, '{"a":"é"}');
    await post('/v1/chat/completions?x=1', { authorization: 'Bearer a', 'content-type': 'application/json' }, '{"a":"longer body"}');
    await post('/v1/chat/completions?x=1', { authorization: 'Bearer b', 'content-type': 'application/json' }, '{}');
    await post('/v1/chat/completions?x=1', { authorization: 'Bearer b', 'content-type': 'application/json', 'x-extra': '1' }, '{}');
    await post('/v1/chat/completions?x=1', { authorization: 'Bearer b', 'user-agent': 'mine' }, '{}');
    await post('/other', { authorization: 'Bearer a' }, '{}');
    expect(seen.map((s) => s.url)).toEqual([...Array(5).fill('/v1/chat/completions?x=1'), '/other']);
    expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer a', 'Bearer a', 'Bearer b', 'Bearer b', 'Bearer b', 'Bearer a']);
    expect(seen.map((s) => s.headers['x-extra'])).toEqual([undefined, undefined, undefined, '1', undefined, undefined]);
    expect(seen.map((s) => s.headers['user-agent'])).toEqual(['evalbench', 'evalbench', 'evalbench', 'evalbench', 'mine', 'evalbench']);
    for (const s of seen) {
      expect(Number(s.headers['content-length'])).toBe(Buffer.byteLength(s.body));
      expect(s.headers['transfer-encoding']).toBeUndefined();
      expect(s.headers['accept-encoding']).toBe('gzip, deflate');
    }
    expect(seen[0].body).toBe('{"a":"é"}');
  });
  it('a caller that changes its own headers object between requests is not sent the old one', async () => {
    seen.length = 0;
    const h: Record<string, string> = { authorization: 'Bearer a' };
    await post('/same', h, '{}');
    h.authorization = 'Bearer changed';
    delete h['x-gone'];
    h['x-new'] = 'y';
    await post('/same', h, '{}');
    expect(seen.map((s) => [s.headers.authorization, s.headers['x-new']])).toEqual([['Bearer a', undefined], ['Bearer changed', 'y']]);
  });
});
