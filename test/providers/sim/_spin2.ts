import { performance } from 'node:perf_hooks';
// How early/late does setTimeout(round(wait)) fire, in this loaded machine?
const res: number[] = [];
let n = 0;
await new Promise<void>((resolve) => {
  const tick = () => {
    const at = performance.now() + 4;
    setTimeout(() => { res.push(performance.now() - at); if (++n < 300) tick(); else resolve(); }, Math.round(4));
  };
  tick();
});
res.sort((a, b) => a - b);
console.log('early/late ms p1,p10,p50,p90,p99', [0.01, 0.1, 0.5, 0.9, 0.99].map((p) => res[Math.floor(p * (res.length - 1))].toFixed(3)));
const c0 = process.cpuUsage(); const t0 = performance.now();
await new Promise<void>((r) => setTimeout(r, 1000));
const c = process.cpuUsage(c0); console.log('idle cpu ms over 1s', (c.user + c.system) / 1000);
