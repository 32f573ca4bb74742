/**
 * `npm run bench` (`npm run bench -- --quick` for a short run): measures evalbench as users run
 * it. Every client is a process of its own: `evalbench run` (the real CLI, results written as
 * usual), the raw node:http floor client, autocannon; one minimal SSE server in its own process.
 * Tables go to stdout as each section ends, then the goals (MISSED and by how much); everything
 * measured goes to results/bench/<date>.json, plus <date>.md (the README's Performance section).
 * Progress lines go to stderr. See bench/config.ts for BENCH_SCALE / BENCH_ONLY / BENCH_OUT.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchConfig, type BenchConfig } from './config.ts';
import { machineInfo } from './machine.ts';
import { renderMicro, runMicro } from './micro.ts';
import { renderStartup, runStartup } from './startup.ts';
import { renderPaired, runPaired } from './paired.ts';
import { renderThroughput, runThroughput } from './throughput.ts';
import { renderScale, runScale } from './scale.ts';
import { renderOpenLoop, runOpenLoop } from './open-loop.ts';
import { checkGoals, renderGoals } from './goals.ts';
import { renderPerformanceMarkdown } from './markdown.ts';
import type { BenchReport } from './bench-report.ts';
import { REPO_ROOT } from './sim-process.ts';

const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);
const print = (s: string) => process.stdout.write(`${s}\n`);

/** What a section gets to run with. */
export interface SectionContext {
  cfg: BenchConfig;
  log: (s: string) => void;
  /** Seconds of the bench's time budget left (a few kept for writing the results). */
  budgetLeftSec: () => number;
}

/** One section of the bench: runs, renders its table, keeps its result in the report. */
export interface BenchSection {
  name: string;
  run(ctx: SectionContext): Promise<unknown>;
  render(result: unknown): string;
  keep(report: BenchReport, result: unknown): void;
}

function defineSection<T>(name: string, run: (ctx: SectionContext) => Promise<T>, render: (r: T) => string, keep: (report: BenchReport, r: T) => void): BenchSection {
  return { name, run, render: (r) => render(r as T), keep: (report, r) => keep(report, r as T) };
}

/**
 * The sections, in run order. To add one: a module with run/render, its name in
 * config.ts SECTIONS (so BENCH_ONLY knows it), and a line here. Memory stays last: it uses whatever the time budget has left.
 */
export const BENCH_SECTIONS: BenchSection[] = [
  defineSection('startup', async () => runStartup(), renderStartup, (r, x) => { r.startup = x; }),
  defineSection('micro', (c) => runMicro(c.cfg.micro), renderMicro, (r, x) => { r.micro = x; }),
  defineSection('paired', (c) => runPaired(c.cfg.paired, c.log), renderPaired, (r, x) => { r.paired = x; }),
  defineSection('throughput', (c) => runThroughput(c.cfg.throughput, c.log), renderThroughput, (r, x) => { r.throughput = x; }),
  defineSection('open-loop', (c) => runOpenLoop(c.cfg.openLoop, c.log), renderOpenLoop, (r, x) => { r.openLoop = x; }),
  defineSection('memory', (c) => runScale(c.cfg.memory, c.log, c.budgetLeftSec), renderScale, (r, x) => { r.memory = x; }),
];

async function main(): Promise<number> {
  const cfg = benchConfig(process.env, process.argv.slice(2));
  const started = new Date();
  const t0 = performance.now();
  const machine = machineInfo();
  print(`evalbench bench (${cfg.size}) on ${machine.cpu}, ${machine.cores} cores, ${machine.totalMemMb} MB, ${machine.os}, Node ${machine.node}; load average ${machine.loadAvg1}`);
  print(`evalbench run: ${process.env.BENCH_WORKERS ? `--workers ${process.env.BENCH_WORKERS}` : `--workers default (cores - 1, at least 1: ${Math.max(1, os.availableParallelism() - 1)})`}`);
  if (machine.loadAvg1 > machine.cores * 0.5) {
    print(`note: the machine is busy (load ${machine.loadAvg1} on ${machine.cores} cores): timings will be noisy`);
  }
  print('');
  const report: BenchReport = {
    date: started.toISOString().slice(0, 10), startedAt: started.toISOString(), scale: cfg.size, machine,
    loadAvgAtEnd: 0, wallSec: 0, extra: {}, goals: [], failures: [],
  };
  const ctx: SectionContext = { cfg, log, budgetLeftSec: () => cfg.budgetSec - (performance.now() - t0) / 1000 - 5 };
  for (const s of BENCH_SECTIONS) {
    if (!cfg.sections.has(s.name as never)) continue;
    const s0 = performance.now();
    try {
      const r = await s.run(ctx);
      s.keep(report, r);
      print(s.render(r));
      log(`${s.name} done in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    } catch (e) {
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      report.failures.push({ section: s.name, error: msg });
      print(`${s.name}: FAILED: ${msg}\n`);
    }
  }

  report.wallSec = (performance.now() - t0) / 1000;
  report.loadAvgAtEnd = Math.round(os.loadavg()[0] * 100) / 100;
  report.goals = checkGoals({ paired: report.paired, throughput: report.throughput, openLoop: report.openLoop, memory: report.memory });
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
