import http from 'node:http';
const [url, conc, total, model, stream] = [process.argv[2], +process.argv[3], +process.argv[4], process.argv[5], process.argv[6] !== 'nostream'];
const agent = new http.Agent({ keepAlive: true, maxSockets: conc });
const u = new URL(url + '/chat/completions');
const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'Tell me about databases and indexes' }], stream, ...(stream ? { stream_options: { include_usage: true } } : {}) });
const ttfts = [], itls = [];
let done = 0, started = 0;
const t0 = performance.now();
function one() {
  return new Promise((resolve) => {
    const ts = performance.now(); let first = null, last = null;
    const req = http.request({ hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.on('data', (c) => { const now = performance.now(); const s = c.toString(); const n = (s.match(/"content":"[^"]/g) || []).length; if (n > 0) { if (first === null) { first = now; ttfts.push(now - ts); } else itls.push(now - last); last = now; } });
      res.on('end', resolve);
    });
    req.end(body);
  });
}
async function worker() { while (started < total) { started++; await one(); done++; } }
await Promise.all(Array.from({ length: conc }, worker));
const el = performance.now() - t0;
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(p * (s.length - 1))]?.toFixed(2); };
console.log({ reqs: done, rps: (done / el * 1000).toFixed(0), ttft50: pct(ttfts, .5), ttft99: pct(ttfts, .99), itl50: pct(itls, .5), itl01: pct(itls, .01), itl99: pct(itls, .99), n_itl: itls.length });
