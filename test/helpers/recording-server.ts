import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers: content text, or tool calls; streamed when the request asks. */
export interface Reply {
  content?: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}

/**
 * An OpenAI-compatible server on 127.0.0.1:0 that records every request body and answers each
 * with `reply(body)`. `models` (when set) is what GET /models lists; otherwise /models is 404.
 */
export interface RecordingServer {
  url: string;
  bodies: Record<string, unknown>[];
  /** Paths requested, in order (GET /models included). */
  paths: string[];
  close(): Promise<void>;
}

export interface RecordingOptions {
  reply?: (body: Record<string, unknown>) => Reply;
  models?: string[];
  /** Answer 400 naming the field when the body holds it (e.g. `stream_options`). */
  reject400?: string;
}

export async function startRecordingServer(opts: RecordingOptions = {}): Promise<RecordingServer> {
  const bodies: Record<string, unknown>[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url}`);
      if (req.url?.endsWith('/models')) {
        if (!opts.models) res.writeHead(404).end();
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: opts.models.map((id) => ({ id, object: 'model' })) }));
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      bodies.push(body);
      if (opts.reject400 && opts.reject400 in body) {
        res.writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: `Unrecognized request argument supplied: ${opts.reject400}`, type: 'invalid_request_error', param: opts.reject400 } }));
        return;
      }
      const r = opts.reply?.(body) ?? { content: 'ok' };
      if (body.stream) writeStream(res, r, (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true);
      else writeJson(res, r);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, bodies, paths, close: () => new Promise((ok) => server.close(() => ok())) };
}

const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

function writeJson(res: http.ServerResponse, r: Reply): void {
  const message = { role: 'assistant', content: r.content ?? null, ...(r.tool_calls ? { tool_calls: r.tool_calls } : {}) };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
    id: 'chatcmpl-rec', object: 'chat.completion', created: 1, model: 'rec',
    choices: [{ index: 0, message, finish_reason: r.tool_calls ? 'tool_calls' : 'stop' }], usage,
  }));
}

/** Usage comes in a last chunk only when the request asked for it, as OpenAI does. */
function writeStream(res: http.ServerResponse, r: Reply, withUsage: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (delta: object, finish: string | null = null, extra: object = {}) =>
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-rec', object: 'chat.completion.chunk', created: 1, model: 'rec', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
  send({ role: 'assistant', content: '' });
  if (r.content) for (const piece of r.content.match(/.{1,4}/gs) ?? []) send({ content: piece });
  (r.tool_calls ?? []).forEach((t, index) => {
    send({ tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.function.name, arguments: '' } }] });
    for (const piece of t.function.arguments.match(/.{1,5}/gs) ?? []) send({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  send({}, r.tool_calls ? 'tool_calls' : 'stop');
  if (withUsage) res.write(`data: ${JSON.stringify({ id: 'chatcmpl-rec', object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
  res.end('data: [DONE]\n\n');
}
