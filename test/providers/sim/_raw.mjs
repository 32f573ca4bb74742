import http from 'node:http';
// Baseline: 8 chunked responses, a write every 4 ms each, 70 writes; CPU of this process only.
const srv = http.createServer((req, res) => { res.writeHead(200, {'content-type':'text/event-stream'}); let i = 0; const t0 = performance.now();
  const tick = () => { res.write('data: {"choices":[{"delta":{"content":"hello"}}]}\n\n'); if (++i < 70) setTimeout(tick, Math.round(t0 + 20 + 4*i - performance.now())); else res.end(); }; setTimeout(tick, 20); });
srv.listen(0, '127.0.0.1', async () => {
  const port = srv.address().port; const agent = new http.Agent({ keepAlive: true });
  const one = () => new Promise((r) => http.get({ port, agent, path: '/', method: 'GET' }, (res) => { res.on('data', () => {}); res.on('end', r); }));
  const c0 = process.cpuUsage(); const t = performance.now();
  for (let k = 0; k < 10; k++) await Promise.all(Array.from({ length: 8 }, one));
  const c = process.cpuUsage(c0); console.log('cpu ms (server+client)', (c.user + c.system) / 1000, 'wall', (performance.now() - t).toFixed(0), 'writes', 8 * 70 * 10);
  srv.close(); agent.destroy();
});
