import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendChatCompletion } from './openai-client.ts';
import type { FetchLike } from './types.ts';

const CHUNK = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'warm', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
/** A typical short answer: a role chunk, some reasoning, 16 content tokens, the finish and the usage chunks. */
const WARM_BODY =
  CHUNK({ role: 'assistant', content: '' }) + CHUNK({ reasoning_content: 'warm' }) +
  Array.from({ length: 16 }, (_, i) => CHUNK({ content: ` tok${i}` })).join('') +
  CHUNK({}, 'stop') + `data: ${JSON.stringify({ id: 'warm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 17, total_tokens: 18 } })}\n\n` +
  'data: [DONE]\n\n';

/** Requests of the warm-up in flight at once: enough to exercise the pool and the settle queue, few enough to stay cheap. */
const WARM_PARALLEL = 32;
/** Most warm-up requests: about 0.5 s on a 2-core machine, which the busiest runs repay. */
export const MAX_WARM_REQUESTS = 1_000;

/**
 * Runs the whole client path (POST, stream read, SSE parse) `requests` times (at most
 * MAX_WARM_REQUESTS, WARM_PARALLEL at once) against a throw-away server on 127.0.0.1, so its cold
 * start never lands in a measured request. Each thread that sends requests warms its own copy
 * (see session/warm-up.ts, which sizes it to the run). A few requests load the code; a busy run
 * needs its hot functions optimised too, which takes hundreds of calls: in a 2,000/s open loop
 * the client fell seconds behind in its first second after 5 warm-up requests.
 */
export async function warmClientPath(fetchImpl?: FetchLike, requests = 5): Promise<void> {
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
    const total = Math.min(Math.max(1, requests), MAX_WARM_REQUESTS);
    let started = 0;
    const sender = async () => {
      while (started < total) {
        started++;
        await sendChatCompletion(
          { url, headers: {}, body: { model: 'warm', messages: [{ role: 'user', content: 'warm' }], stream: true, stream_options: { include_usage: true } }, timeoutMs: 3000 },
          { fetch: fetchImpl },
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(WARM_PARALLEL, total) }, sender));
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
