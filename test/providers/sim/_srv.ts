import { startSimulator } from '../../../src/providers/sim/index.ts';
const sim = await startSimulator({ port: 0, fixedTtftMs: Number(process.env.TTFT ?? 20), fixedItlMs: Number(process.env.ITL ?? 4) });
console.log(sim.url);
let start: NodeJS.CpuUsage | null = null; let t = 0;
const iv = setInterval(() => { if (!start && sim.stats().requests > 64) { start = process.cpuUsage(); t = performance.now(); } }, 5);
process.on('SIGTERM', async () => { clearInterval(iv); const c = process.cpuUsage(start ?? undefined); console.error('cpu ms', (c.user + c.system) / 1000, 'wall', (performance.now() - t).toFixed(0), sim.stats()); await sim.close(); process.exit(0); });
