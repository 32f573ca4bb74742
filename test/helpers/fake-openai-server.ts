import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A deliberately misbehaving OpenAI-compatible server for integration tests. The last user
 * message picks the scenario (`scenario: <name>`), so one suite run exercises them all.
 */
export interface FakeServer {
  url: string;
  /** Requests seen per scenario (retries included). */
  hits: Map<string, number[]>;
  close(): Promise<void>;
}

const chunk = (delta: object, extra: object = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model: 'fake', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const finish = (reason = 'stop') =>
  `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: reason }] })}\n\n`;
const usageChunk = (usage: object) => `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', choices: [], usage })}\n\n`;

export async function startFakeServer(): Promise<FakeServer> {
  const hits = new Map<string, number[]>();
  const t0 = performance.now();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
        return;
      }
      const body = JSON.parse(raw);
      const last = body.messages.at(-1).content as string;
      const scenario = /scenario: (\S+)/.exec(last)?.[1] ?? 'plain';
      const seen = hits.get(scenario) ?? [];
      seen.push(performance.now() - t0);
      hits.set(scenario, seen);
      const sse = () => res.writeHead(200, { 'content-type': 'text/event-stream' });
      switch (scenario) {
        case 'timed': {
          // role-only chunk at once, reasoning at 80 ms, answer at 150 ms.
          sse();
          res.write(chunk({ role: 'assistant', content: '' }));
          setTimeout(() => res.write(chunk({ reasoning_content: 'Let me think.' })), 80);
          setTimeout(() => {
            res.write(chunk({ content: 'Paris' }));
            res.write(chunk({ content: ' is the answer.' }));
            res.write(finish());
            res.write(usageChunk({
              prompt_tokens: 40, completion_tokens: 9, total_tokens: 49,
              prompt_tokens_details: { cached_tokens: 32 }, completion_tokens_details: { reasoning_tokens: 7 },
            }));
            res.end('data: [DONE]\n\n');
          }, 150);
          return;
        }
        case 'no-usage': {
          sse();
          res.write(chunk({ role: 'assistant' }));
          res.write(chunk({ content: 'The quick brown fox jumps over the lazy dog.' }));
          res.write(finish());
          res.end('data: [DONE]\n\n');
          return;
        }
        case '429-once': {
          if (seen.length === 1) {
            res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
              .end('{"error":{"message":"Rate limit reached","type":"requests"}}');
            return;
          }
          sse();
          res.write(chunk({ content: 'ok after wait' }));
          res.write(finish());
          res.end('data: [DONE]\n\n');
          return;
        }
        case '500-always':
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"internal"}}');
          return;
        case '400':
          res.writeHead(400, { 'content-type': 'application/json' })
            .end('{"error":{"message":"Unsupported parameter: stop","type":"invalid_request_error"}}');
          return;
        case 'html-502':
          res.writeHead(502, { 'content-type': 'text/html' })
            .end('<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>');
          return;
        case 'reset-mid-stream':
          sse();
          res.write(chunk({ content: 'partial' }));
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        case 'error-event':
          sse();
          res.write(chunk({ content: 'start' }));
          res.write('event: error\ndata: {"error":{"message":"overloaded","code":"server_busy"}}\n\n');
          res.end();
          return;
        case 'echo-key':
          // Some servers echo the key back in their errors: it must be redacted everywhere.
          res.writeHead(401, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { message: `Incorrect API key provided: ${req.headers.authorization}` } }));
          return;
        default:
          sse();
          res.write(chunk({ role: 'assistant', content: '' }));
          res.write(chunk({ content: 'hello' }));
          res.write(finish());
          res.end('data: [DONE]\n\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    hits,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
