// A held-out OpenAI-compatible server that keeps its own account of time, run as a child process
// (`node stamping-server.mjs`) so its work never shares the measured client's event loop.
// Stamps are CLOCK_MONOTONIC ms (process.hrtime), which every process on the machine shares.
//
// POST .../chat/completions: the last user message is the request's key. After `delayMs`
//   (x-delay-ms header, default 20) a non-streamed body is written in one res.end(), stamped
//   `end_at_ms` just before; a streamed one writes a role chunk, then `tokens` content chunks
//   (x-tokens, default 4) `itlMs` apart (x-itl-ms, default 2), stamping just before the first
//   token's write, and a usage chunk when stream_options.include_usage asks. Stamped before the write, no client can see the bytes earlier than the stamp.
// GET .../models: {"data":[]} (the client's warm-up).
// GET /stamps: the records since the last call, and how many sockets were opened by a GET
//   (warm-up) and by a POST (a connection the measured phase had to open itself).
import http from 'node:http';

const ms = () => Number(process.hrtime.bigint()) / 1e6;
let records = [];
const opened = { get: 0, post: 0 };

const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'stamp', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

function completion(key) {
  return JSON.stringify({
    id: 'stamp', object: 'chat.completion', model: 'stamp',
    choices: [{ index: 0, message: { role: 'assistant', content: `ok ${key}` }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  });
}

function stream(res, key, recv, tokens, itlMs, withUsage) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(chunk({ role: 'assistant', content: '' }));
  const rec = { key, recv_at_ms: recv, first_tok_at_ms: 0, end_at_ms: 0 };
  records.push(rec);
  let i = 0;
  const next = () => {
    if (i === 0) rec.first_tok_at_ms = ms();
    res.write(chunk({ content: `t${i} ` }));
    if (++i < tokens) {
      setTimeout(next, itlMs);
      return;
    }
    rec.end_at_ms = ms();
    // As OpenAI does for stream_options.include_usage: a last chunk with no choices, only usage.
    const usage = withUsage
      ? `data: ${JSON.stringify({ id: 'stamp', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 3, completion_tokens: tokens, total_tokens: 3 + tokens } })}\n\n`
      : '';
    res.end(chunk({}, 'stop') + usage + 'data: [DONE]\n\n');
  };
  next();
}

const seen = new WeakSet();

const server = http.createServer((req, res) => {
  const recv = ms();
  // Which request a socket carried first says who opened it: warm-up (GET) or a measured POST.
  if (!seen.has(req.socket)) {
    seen.add(req.socket);
    if (req.method === 'POST') opened.post++;
    else if (req.url !== '/stamps') opened.get++;
  }
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (s) => (raw += s));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/stamps') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ records, opened }));
      records = [];
      opened.get = opened.post = 0;
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
      return;
    }
    const body = JSON.parse(raw);
    const key = String(body.messages.at(-1).content);
    const num = (h, d) => (req.headers[h] === undefined ? d : Number(req.headers[h]));
    const delayMs = num('x-delay-ms', 20);
    setTimeout(() => {
      if (body.stream) return stream(res, key, recv, num('x-tokens', 4), num('x-itl-ms', 2), body.stream_options?.include_usage === true);
      const text = completion(key);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      records.push({ key, recv_at_ms: recv, first_tok_at_ms: 0, end_at_ms: ms() });
      res.end(text);
    }, delayMs);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}/v1\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
