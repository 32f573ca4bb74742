import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendChatCompletion } from './openai-client.ts';
import type { FetchLike } from './types.ts';

const CHUNK = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'warm', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const WARM_BODY =
  CHUNK({ role: 'assistant', content: '' }) + CHUNK({ reasoning_content: 'warm' }) + CHUNK({ content: 'up' }) +
  CHUNK({}, 'stop') + `data: ${JSON.stringify({ id: 'warm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } })}\n\n` +
  'data: [DONE]\n\n';

/**
 * Runs the whole client path (POST, stream read, SSE parse) a few times against a throw-away
 * server on 127.0.0.1, so its cold start never lands in a measured request. Each thread that
 * sends requests warms its own copy (see session/warm-up.ts).
 */
export async function warmClientPath(fetchImpl?: FetchLike): Promise<void> {
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
