import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendChatCompletion } from '../providers/openai-client.ts';
import { warmConnection } from '../providers/http-transport.ts';
import { endpointUrl } from '../providers/url-policy.ts';
import type { FetchLike } from '../providers/types.ts';
import type { ResolvedProvider } from './run-jobs.ts';

/**
 * Cold start must not land in the first measured requests: Node's first fetch loads its HTTP
 * stack, and the first POST, stream read, SSE parse and row build run unoptimised code (seen
 * here: 15-30 ms extra TTFB on the first two requests). So before a run:
 * 1. a few streamed requests to a throw-away server on 127.0.0.1 run the whole client path
 *    (never the provider's: nothing is billed, no rate limit is touched);
 * 2. one cheap GET /models per provider opens a pooled connection (and its TLS session).
 */
export async function warmUp(providers: Iterable<ResolvedProvider>, fetchImpl?: FetchLike): Promise<void> {
  await warmClientPath(fetchImpl);
  await Promise.all(
    [...providers].map(async ({ endpoint, apiKey }) => {
      const headers = { ...endpoint.headers, ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}) };
      // The default client pools its own connections: open one there (fetch's pool is another).
      if (!fetchImpl) return warmConnection(endpointUrl(endpoint.baseUrl, 'models'), headers);
      try {
        const res = await fetchImpl(endpointUrl(endpoint.baseUrl, 'models'), {
          headers,
          signal: AbortSignal.timeout(3000),
          redirect: 'manual', // never carry the key to wherever a redirect points
        });
        await res.arrayBuffer();
      } catch {
        // A server without /models, or not up yet: the real requests will say so.
      }
    }),
  );
}

const CHUNK = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'warm', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const WARM_BODY =
  CHUNK({ role: 'assistant', content: '' }) + CHUNK({ reasoning_content: 'warm' }) + CHUNK({ content: 'up' }) +
  CHUNK({}, 'stop') + `data: ${JSON.stringify({ id: 'warm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } })}\n\n` +
  'data: [DONE]\n\n';

async function warmClientPath(fetchImpl?: FetchLike): Promise<void> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(WARM_BODY);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
    for (let i = 0; i < 5; i++) {
      await sendChatCompletion(
        { url, headers: {}, body: { model: 'warm', messages: [{ role: 'user', content: 'warm' }], stream: true, stream_options: { include_usage: true } }, timeoutMs: 3000 },
        { fetch: fetchImpl },
      );
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
