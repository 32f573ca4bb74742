// The bench's minimal streaming server, in its own process: `node bench/sse-server.mjs '{"tokens":16,"ttftMs":0,"itlMs":0}'`.
// Every POST gets the same precomputed OpenAI-style SSE answer (content deltas, a usage chunk,
// [DONE]), so its cost is a floor and every client (autocannon, the raw client, evalbench) is
// measured against the same server. It counts what arrives, by its own clock, for the bench:
// GET /stats returns and resets { posts, completed, firstArrival, lastArrival, lastEnd, arrivals? }.
// Plain JavaScript: no tsx start-up, nothing of evalbench loaded.
import http from 'node:http';

const cfg = { tokens: 16, ttftMs: 0, itlMs: 0, ...JSON.parse(process.argv[2] ?? '{}') };
const event = (o) => `data: ${JSON.stringify(o)}\n\n`;
const chunk = (delta, extra = {}) => ({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: null }], ...extra });
const tokenEvents = Array.from({ length: cfg.tokens }, (_, i) => Buffer.from(event(chunk({ content: i === 0 ? 'tok' : ' tok' }))));
const tail = Buffer.from(
  event({ ...chunk({}), choices: [{ index: 0, delta: {}, finish_reason: 'length' }] }) +
  event({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [], usage: { prompt_tokens: 12, completion_tokens: cfg.tokens, total_tokens: 12 + cfg.tokens } }) +
  'data: [DONE]\n\n',
);
const whole = Buffer.concat([...tokenEvents, tail]);
const HEAD = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

let stats = fresh();
function fresh() {
  return { posts: 0, completed: 0, firstArrival: null, lastArrival: null, lastEnd: null, arrivals: [] };
}

function stream(res) {
  res.writeHead(200, HEAD);
  res.flushHeaders();
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    res.write(tokenEvents[i++]);
    if (i < tokenEvents.length) setTimeout(next, cfg.itlMs);
    else res.end(tail);
  };
  setTimeout(next, cfg.ttftMs);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    if (req.url?.startsWith('/stats')) {
      const body = JSON.stringify(req.url.includes('arrivals=1') ? stats : { ...stats, arrivals: undefined });
      stats = fresh();
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    return;
  }
  const t = performance.now();
  stats.posts++;
  stats.firstArrival ??= t;
  stats.lastArrival = t;
  stats.arrivals.push(t);
  req.resume();
  req.on('end', () => {
    res.on('finish', () => {
      stats.completed++;
      stats.lastEnd = performance.now();
    });
    if (cfg.ttftMs === 0 && cfg.itlMs === 0) res.writeHead(200, HEAD).end(whole);
    else stream(res);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}/v1\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
