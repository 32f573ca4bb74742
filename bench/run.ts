/**
 * `npm run bench`: micro, precision, throughput, scale and open-loop benchmarks of evalbench.
 * Tables go to stdout as each section ends; everything measured goes to
 * results/bench/<date>.json, plus <date>.md (the README's Performance section).
 * Progress lines go to stderr. See bench/config.ts for BENCH_SCALE / BENCH_ONLY / BENCH_OUT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchConfig, type SectionName } from './config.ts';
import { machineInfo } from './machine.ts';
import { renderMicro, runMicro } from './micro.ts';
import { renderStartup, runStartup } from './startup.ts';
import { renderPrecision, runPrecision } from './precision.ts';
import { renderThroughput, runThroughput } from './throughput.ts';
import { renderScale, runScale } from './scale.ts';
import { renderOpenLoop, runOpenLoop } from './open-loop.ts';
import { checkGoals, renderGoals } from './goals.ts';
import { renderPerformanceMarkdown } from './markdown.ts';
import type { BenchReport } from './bench-report.ts';
import { REPO_ROOT } from './sim-process.ts';


const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const print = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<number> {
  const cfg = benchConfig();
  const started = new Date();
  const t0 = performance.now();
  const machine = machineInfo();
  print(`evalbench bench (${cfg.size}) on ${machine.cpu}, ${machine.cores} cores, ${machine.totalMemMb} MB, ${machine.os}, Node ${machine.node}; load average ${machine.loadAvg1}`);
  if (machine.loadAvg1 > machine.cores * 0.5) {
    print(`note: the machine is busy (load ${machine.loadAvg1} on ${machine.cores} cores): timings will be noisy`);
  }
  print('');
  const report: BenchReport = {
    date: started.toISOString().slice(0, 10), startedAt: started.toISOString(), scale: cfg.size, machine,
    loadAvgAtEnd: 0, wallSec: 0, goals: [], failures: [],
  };

  const section = async <T>(name: SectionName, run: () => Promise<T>, render: (r: T) => string): Promise<T | undefined> => {
    if (!cfg.sections.has(name)) return undefined;
    const s0 = performance.now();
    try {
      const r = await run();
      print(render(r));
      log(`${name} done in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
      return r;
    } catch (e) {
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      report.failures.push({ section: name, error: msg });
      print(`${name}: FAILED: ${msg}\n`);
      return undefined;
    }
  };

  report.startup = await section('startup', async () => runStartup(), renderStartup);
  report.micro = await section('micro', () => runMicro(cfg.micro), renderMicro);
  report.precision = await section('precision', () => runPrecision(cfg.precision, log), renderPrecision);
  report.throughput = await section('throughput', () => runThroughput(cfg.throughput, log), renderThroughput);
  report.openLoop = await section('open-loop', () => runOpenLoop(cfg.openLoop, log), renderOpenLoop);
  // Last: it gets whatever the time budget has left (a few seconds kept for writing the results).
  const budgetLeftSec = () => cfg.budgetSec - (performance.now() - t0) / 1000 - 5;
  report.scaleRuns = await section('scale', () => runScale(cfg.scale, log, budgetLeftSec), renderScale);

  report.wallSec = (performance.now() - t0) / 1000;
  report.loadAvgAtEnd = Math.round(os.loadavg()[0] * 100) / 100;
  report.goals = checkGoals({ precision: report.precision, throughput: report.throughput, scale: report.scaleRuns, wallSec: report.wallSec });
  print(renderGoals(report.goals));

  const outDir = path.resolve(REPO_ROOT, cfg.outDir);
  mkdirSync(outDir, { recursive: true });
  const base = path.join(outDir, report.date);
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(`${base}.md`, renderPerformanceMarkdown(report));
  print(`bench: ${report.wallSec.toFixed(0)} s; load average ${machine.loadAvg1} at start, ${report.loadAvgAtEnd} at end`);
  print(`results: ${path.relative(process.cwd(), base)}.json (README section: ${path.relative(process.cwd(), base)}.md)`);
  return report.failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
