// A pooled keep-alive socket the server has closed fails the next request on it before any
// response byte (ECONNRESET): the client sends that request again, once, on a fresh socket, inside
// the same attempt. A reset on a fresh socket is still a failure. Real server on port 0.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendChatCompletion } from '../../src/providers/openai-client.ts';

const SSE = 'data: {"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
let server: http.Server;
let url: string;
/** 'stale': the second request on a socket resets it (a server closing an idle connection as the request came); 'always': every request does. */
let mode: 'stale' | 'always' = 'stale';
let posts = 0;
const perSocket = new WeakMap<Socket, number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts += 1;
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (mode === 'always' || n >= 2) {
        req.socket.resetAndDestroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(SSE);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const send = () => sendChatCompletion({ url, headers: {}, timeoutMs: 5_000, body: { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true } });

describe('a stale keep-alive socket', () => {
  it('is replaced: the request is sent again on a fresh socket and succeeds', async () => {
    mode = 'stale';
    posts = 0;
    for (let i = 0; i < 4; i++) {
      const r = await send();
      expect(r.ok, r.errorMessage ?? '').toBe(true);
      expect(r.content).toBe('hi');
    }
    // Requests 2..4 each found the previous socket pooled, had it reset and were sent again.
    expect(posts).toBe(7);
  });

  it('a reset on a fresh socket is a connection failure, not resent', async () => {
    mode = 'always';
    server.closeAllConnections();
    await new Promise((r) => setTimeout(r, 50));
    posts = 0;
    const r = await send();
    expect(r).toMatchObject({ ok: false, errorType: 'connection' });
    expect(posts).toBe(1);
  });
});
