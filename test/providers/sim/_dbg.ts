import { startSimulator } from '../../../src/providers/sim/index.ts';
import http from 'node:http';
const sim = await startSimulator({ fixedTtftMs: 20, fixedItlMs: 5 });
const u = new URL(sim.url + '/chat/completions');
const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'x-sim-fault': 'reset-mid-stream' } }, (res) => {
  console.log('status', res.statusCode);
  res.on('data', (c) => console.log('data', performance.now().toFixed(1), c.length));
  res.on('error', (e) => console.log('res error', e.message));
  res.on('aborted', () => console.log('aborted'));
  res.on('close', () => console.log('close'));
});
req.on('error', (e) => console.log('req error', e.message));
req.end(JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'Tell me about queues' }], stream: true }));
await new Promise((r) => setTimeout(r, 300));
await sim.close();
