import { playSchedule } from '../../../src/providers/sim/schedule.ts';
import { performance } from 'node:perf_hooks';
// 8 streams, 70 tokens each at 4ms: count sink writes and measure CPU.
const cpu0 = process.cpuUsage();
let writes = 0; const lat: number[] = [];
await Promise.all(Array.from({ length: 8 }, () => new Promise<void>((resolve) => {
  const t0 = performance.now();
  const steps = Array.from({ length: 70 }, (_, i) => ({ at: t0 + 20 + 4 * i, data: 'x', exact: i === 0 }));
  playSchedule(steps, { write: () => { writes++; lat.push(performance.now()); }, end: () => resolve(), destroy: () => resolve() });
})));
const c = process.cpuUsage(cpu0);
console.log({ writes, cpuMs: (c.user + c.system) / 1000 });
