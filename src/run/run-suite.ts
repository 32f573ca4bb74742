import fs from 'node:fs';
import path from 'node:path';
import { loadSuite, type Suite } from '../suite/index.ts';
import { planJobs, type PlanOverrides } from '../plan/index.ts';
import type { Job } from '../plan/types.ts';
import type { FetchLike } from '../providers/types.ts';
import { SIM_PROVIDER_ID } from '../providers/presets.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../providers/sim/index.ts';
import { JsonlSink, REPORT_FILES, SummaryBuilder, writeRunReports, type Summary } from '../report/index.ts';
import { resolveProviders } from './resolve-providers.ts';
import { runJobs, type RunEvent, type RunJobsResult } from './run-jobs.ts';
import { warmUp } from './warm-up.ts';
import { defaultOutDir } from './out-dir.ts';

export interface RunOptions {
  /** Plan overrides (the CLI's --models, --efforts, --repeats, --timeout, --filter). */
  overrides?: PlanOverrides;
  concurrency?: number;
  maxRetries?: number;
  /** Default: results/<suite>/<timestamp>/ under the current directory. */
  outDir?: string;
  /** Abort = Ctrl-C: stop sending, let in-flight requests finish for `graceMs`, write what finished. */
  signal?: AbortSignal;
  graceMs?: number;
  /** Where API keys are read from. Default: process.env. */
  env?: Record<string, string | undefined>;
  fetch?: FetchLike;
  /** Options for the in-process simulator, started when a run names sim:* models. */
  simulator?: SimulatorOptions;
  /** Warm the HTTP client before the first measured request (default true). */
  warmUp?: boolean;
  onEvent?: (event: RunEvent) => void;
  /** Called once the plan is known, before any request: the CLI starts its progress bar here. */
  onPlan?: (info: { suite: Suite; jobs: Job[]; outDir: string }) => void;
}

export interface RunOutcome {
  suite: Suite;
  outDir: string;
  summary: Summary;
  counts: RunJobsResult;
  files: { jsonl: string; csv: string; summaryJson: string; summaryMd: string };
}

/** Loads (or takes) a suite, runs every job, and writes the run folder. The library's main entry. */
export async function runSuite(suiteOrFile: string | Suite, options: RunOptions = {}): Promise<RunOutcome> {
  const suite = typeof suiteOrFile === 'string' ? await loadSuite(suiteOrFile) : suiteOrFile;
  const jobs = planJobs(suite, options.overrides);
  const providerIds = new Set(jobs.map((j) => j.provider));

  // Keys first: a missing key stops the run before anything is started or sent.
  const env = options.env ?? process.env;
  resolveProviders([...providerIds].filter((id) => id !== SIM_PROVIDER_ID), suite.providers, env);

  let sim: RunningSimulator | undefined;
  if (providerIds.has(SIM_PROVIDER_ID) && !suite.providers?.[SIM_PROVIDER_ID]) sim = await startSimulator(options.simulator);
  try {
    const providers = resolveProviders(providerIds, suite.providers, env, sim?.url);
    if (options.warmUp !== false) await warmUp(providers.values(), options.fetch);

    const outDir = options.outDir ?? defaultOutDir(suite.name);
    fs.mkdirSync(outDir, { recursive: true });
    const files = {
      jsonl: path.join(outDir, REPORT_FILES.jsonl),
      csv: path.join(outDir, REPORT_FILES.csv),
      summaryJson: path.join(outDir, REPORT_FILES.summaryJson),
      summaryMd: path.join(outDir, REPORT_FILES.summaryMd),
    };
    options.onPlan?.({ suite, jobs, outDir });

    const sink = JsonlSink.open(files.jsonl);
    const summaryBuilder = new SummaryBuilder();
    const startedAt = new Date().toISOString();
    let counts: RunJobsResult;
    try {
      counts = await runJobs(jobs, {
        providers,
        concurrency: options.concurrency ?? suite.concurrency,
        retry: { ...suite.retry, ...(options.maxRetries !== undefined ? { max_retries: options.maxRetries } : {}) },
        signal: options.signal,
        graceMs: options.graceMs,
        fetch: options.fetch,
        onRow: (row) => {
          sink.write(row);
          summaryBuilder.add(row);
        },
        onEvent: options.onEvent,
      });
    } finally {
      sink.close();
    }
    const summary = summaryBuilder.finish({ suite: suite.name, startedAt, finishedAt: new Date().toISOString() });
    await writeRunReports(outDir, summary);
    return { suite, outDir, summary, counts, files };
  } finally {
    await sim?.close();
  }
}
