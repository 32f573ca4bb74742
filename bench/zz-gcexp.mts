// usage: tsx gcexp.ts rate rounds -- variantA flags ; variantB flags  (variants separated by ';', each a space-sep list of node flags + extra cli flags after '|')
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSseServer } from './sim-process.ts';
import { scaleSuiteYaml } from './scale.ts';
const [rate, rounds, ...rest] = process.argv.slice(2);
const variants = rest.join(' ').split(';').map((v) => { const [n, c] = v.split('|'); return { node: n.trim().split(/\s+/).filter(Boolean), cli: (c ?? '').trim().split(/\s+/).filter(Boolean), name: v.trim() }; });
const server = await spawnSseServer({ tokens: 16, ttftMs: 10, itlMs: 2 });
const arrivals = async () => ((await (await fetch(server.url.replace(/\/v1$/, '/stats?arrivals=1'))).json()) as { arrivals: number[] }).arrivals;
const res: Record<string, string[]> = {};
for (let r = 0; r < Number(rounds); r++) for (const v of variants) {
  const dir = mkdtempSync(path.join(tmpdir(), 'gcexp-'));
  writeFileSync(path.join(dir, 's.yaml'), scaleSuiteYaml(server.url, 1000, 4096, 16));
  await arrivals();
  const cli = process.env.CLI ?? '/work/main/bin/evalbench.js';
  const child = spawn(process.execPath, [...v.node, cli, 'run', path.join(dir, 's.yaml'), '--out', path.join(dir, 'o'), '--progress', 'off', '--rate', rate, '--arrival', 'constant', '--duration', '5s', ...v.cli], { stdio: ['ignore', 'ignore', 'inherit'] });
  await new Promise((r) => child.once('exit', r));
  const a = await arrivals(); const first = Math.min(...a); const n = a.filter((t) => t < first + 5000).length / 5;
  let sc: any = {}; try { sc = JSON.parse(readFileSync(path.join(dir, 'o', 'summary.json'), 'utf8')).self_check; } catch {}
  const line = `arr ${(n / Number(rate) * 100).toFixed(1)}% lag p50 ${sc?.schedule_lag_ms?.p50?.toFixed(2)} p99 ${sc?.schedule_lag_ms?.p99?.toFixed(2)} max ${sc?.schedule_lag_ms?.max?.toFixed(1)} eld p99 ${sc?.event_loop_delay_ms?.p99?.toFixed(1)}`;
  (res[v.name] ??= []).push(line);
  console.log(`[${v.name}] ${line}`);
  rmSync(dir, { recursive: true, force: true });
}
await server.close();
