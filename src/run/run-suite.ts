import fs from 'node:fs';
import path from 'node:path';
import { loadSuite, type Suite } from '../suite/index.ts';
import { makePlan, type PlanOverrides } from '../plan/index.ts';
import type { Job } from '../plan/types.ts';
import type { FetchLike } from '../providers/types.ts';
import { SIM_PROVIDER_ID } from '../providers/presets.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../providers/sim/index.ts';
import { JsonlSink, REPORT_FILES, SummaryBuilder, writeRunReports, type Summary } from '../report/index.ts';
import { resolveProviders } from './resolve-providers.ts';
import { runJobs, type RunEvent, type RunJobsResult } from './run-jobs.ts';
import { warmUp } from './warm-up.ts';
import { loadTokenizer } from '../measure/tokenizer.ts';
import { prepareResume } from './resume.ts';
import { ensureDir } from './ensure-dir.ts';
import type { LoadMode } from './run-jobs.ts';
import type { WarmupSpec } from './duration.ts';
import { GoodputCounter, type Slo } from '../measure/goodput.ts';
import { startSelfCheck, type SelfCheckReport } from '../measure/self-check.ts';
import { shardJobs, type ShardSpec } from '../plan/index.ts';
import { compareRuns, evaluateGates, renderGatesTable, resolveGates, type Comparison, type GateConfig, type GateResult } from '../report/index.ts';
import { writeHtmlReport, HTML_REPORT_FILE } from '../report/html/index.ts';
import { withResponseCache } from './response-cache.ts';
import { createBudgetGate } from './budget-gate.ts';
import { sendChatCompletion } from '../providers/openai-client.ts';
import { checkBaseUrl } from '../providers/url-policy.ts';
import { createRowFinisher } from './finish-row.ts';
import { createJudge } from './judge-client.ts';
import { assertPricedModels, loadPriceTable, mergePricing, pricingFromMap, unpricedModels, unpricedWarning, type PriceTable } from '../cost/index.ts';
import { preloadGraders } from '../grade/validate-assertions.ts';
import { InputError, SuiteError, type SuiteIssue } from '../errors/index.ts';
import { parseModelRef } from '../plan/index.ts';
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
  /** Continue the run in this folder: jobs with an ok row (and error rows, unless retryErrors) are not run again. */
  resume?: string;
  retryErrors?: boolean;
  /** Opt-in response cache folder: identical requests are replayed, marked cached, left out of latency statistics. */
  cacheDir?: string;
  /** Budget in USD: dispatch stops before spent + in-flight worst cases could exceed it; jobs not run are skipped rows. */
  maxCostUsd?: number;
  /** Closed loop (default) or open loop at a request rate (`--rate`): retries default to off in open loop. */
  mode?: LoadMode;
  /** Cycle through the jobs until this much time has passed (`--duration`). */
  durationMs?: number;
  /** Run first and leave out of every statistic (`--warmup N|10s`). */
  warmup?: WarmupSpec;
  /** AIMD concurrency per provider: halve on 429, add one back after a run of successes (`--adaptive`). */
  adaptive?: boolean;
  /** Service-level objectives for goodput (`--slo ttft_ms=500,...`). */
  slo?: Slo;
  /** Gate thresholds from flags; they override the suite's `gates:` key by key. */
  gates?: Partial<GateConfig>;
  /** Run only shard `index` of `count` (1-based): a deterministic, balanced slice by job id. Gates are skipped. */
  shard?: ShardSpec;
  /** Compare this run with an earlier run folder when it ends. */
  baseline?: string;
  latencyTolerance?: number;
  /** Allow http:// base URLs (and redirects) to hosts other than this machine: keys would cross the network in clear text. */
  allowInsecureHttp?: boolean;
  /** A price file (`--prices`) whose entries override the shipped prices.yaml; the suite's `pricing:` wins over both. */
  pricesFile?: string;
  /** Non-fatal notes for the user (unpriced models...). Default: collected in RunOutcome.warnings only. */
  onWarning?: (message: string) => void;
  /** Options for the in-process simulator, started when a run names sim:* models. */
  simulator?: SimulatorOptions;
  /** Warm the HTTP client before the first measured request (default true). */
  warmUp?: boolean;
  onEvent?: (event: RunEvent) => void;
  /** Called once the plan is known, before any request: the CLI starts its progress bar here. */
  onPlan?: (info: { suite: Suite; total: number; outDir: string }) => void;
}

export interface RunOutcome {
  suite: Suite;
  outDir: string;
  summary: Summary;
  counts: RunJobsResult;
  files: { jsonl: string; csv: string; summaryJson: string; summaryMd: string; html: string };
  warnings: string[];
  /** Gate verdicts (empty when no gate is set, or for a shard). */
  gates: GateResult[];
  comparison?: Comparison;
}

/** Options that cannot work together: refused before anything runs. */
function checkOptionCombinations(o: RunOptions): void {
  const bad = (message: string) => {
    throw new InputError('BAD_FLAGS', message);
  };
  if (o.resume && (o.durationMs !== undefined || o.warmup)) {
    bad('--resume cannot be combined with --duration or --warmup: a duration run has no fixed set of jobs to complete');
  }
  if (o.cacheDir && (o.mode?.kind === 'open' || o.durationMs !== undefined)) {
    bad('--cache cannot be combined with --rate or --duration: instant cached replies would distort the offered load');
  }
  if (o.shard && o.durationMs !== undefined) bad('--shard cannot be combined with --duration');
}

/** Shipped prices, then --prices, then the suite's own `pricing:` (later wins per model). */
export function resolvePrices(suite: Suite, pricesFile?: string): PriceTable {
  const tables = [loadPriceTable()];
  if (pricesFile) tables.push(loadPriceTable(pricesFile));
  if (suite.pricing) tables.push(pricingFromMap(suite.pricing, suite.file));
  return mergePricing(tables[0], ...tables.slice(1));
}

/** Imports every javascript grader before any request, so a broken one stops the run at once. */
async function preloadSuiteGraders(suite: Suite): Promise<void> {
  const lists: [string, Suite['default_assert']][] = [['default_assert', suite.default_assert]];
  suite.cases.forEach((c, i) => lists.push([`cases[${i}].assert`, c.assert]));
  const issues: SuiteIssue[] = [];
  for (const [where, specs] of lists) {
    if (!specs) continue;
    for (const p of await preloadGraders(specs, suite.dir)) {
      issues.push({ file: suite.file, path: `${where}[${p.index}]${p.field ? '.' + p.field : ''}`, message: p.message });
    }
  }
  if (issues.length > 0) throw new SuiteError(issues);
}

/** Loads (or takes) a suite, runs every job, and writes the run folder. The library's main entry. */
export async function runSuite(suiteOrFile: string | Suite, options: RunOptions = {}): Promise<RunOutcome> {
  checkOptionCombinations(options);
  const suite = typeof suiteOrFile === 'string' ? await loadSuite(suiteOrFile) : suiteOrFile;
  const plan = makePlan(suite, options.overrides);
  // Jobs are made lazily (a big run never holds them all); a shard needs the whole list to slice it.
  const sharded = options.shard ? shardJobs([...plan.jobs()], options.shard.index, options.shard.count) : undefined;
  const gateConfig = resolveGates(suite.gates, options.gates);
  const providerIds = new Set(plan.models.map((m) => m.provider));
  const judgeRef = suite.grading?.judge;
  const isRubric = (a: { type: string }) => a.type.replace(/^not-/, '') === 'llm-rubric';
  const judgeProvider = judgeRef && [suite.default_assert ?? [], ...suite.cases.map((c) => c.assert ?? [])].some((l) => l.some(isRubric))
    ? parseModelRef(judgeRef).provider : undefined;
  if (judgeProvider) providerIds.add(judgeProvider);
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  const modelRefs = plan.models.map((m) => m.ref);
  const prices = resolvePrices(suite, options.pricesFile);
  assertPricedModels(prices, modelRefs);
  const unpriced = unpricedWarning(unpricedModels(prices, modelRefs));
  if (unpriced) warn(unpriced);
  await preloadSuiteGraders(suite);

  // Keys first: a missing key stops the run before anything is started or sent.
  const env = options.env ?? process.env;
  resolveProviders([...providerIds].filter((id) => id !== SIM_PROVIDER_ID), suite.providers, env);

  let sim: RunningSimulator | undefined;
  if (providerIds.has(SIM_PROVIDER_ID) && !suite.providers?.[SIM_PROVIDER_ID]) sim = await startSimulator(options.simulator);
  try {
    const providers = resolveProviders(providerIds, suite.providers, env, sim?.url);
    for (const p of providers.values()) checkBaseUrl(p.endpoint.baseUrl, { allowInsecureHttp: options.allowInsecureHttp }, p.endpoint.id);
    // Before the first request: loaded by the first row without usage instead, its ~200 ms
    // block would land in every stream then in flight (test/cli/run-fake-server.test.ts).
    loadTokenizer();
    if (options.warmUp !== false) await warmUp(providers.values(), options.fetch);

    const outDir = options.resume ?? options.outDir ?? defaultOutDir(suite.name);
    ensureDir(outDir, options.resume ? '--resume' : '--out');
    const files = {
      jsonl: path.join(outDir, REPORT_FILES.jsonl),
      csv: path.join(outDir, REPORT_FILES.csv),
      summaryJson: path.join(outDir, REPORT_FILES.summaryJson),
      summaryMd: path.join(outDir, REPORT_FILES.summaryMd),
      html: path.join(outDir, HTML_REPORT_FILE),
    };
    // A plan that grades nothing and runs each model at one effort has no quality statistics:
    // the summary then keeps nothing per row (memory flat in the number of jobs).
    const graded = (suite.default_assert?.length ?? 0) > 0 || suite.cases.some((c) => (c.assert?.length ?? 0) > 0);
    const efforts = new Set(options.overrides?.efforts ?? suite.reasoning_effort ?? []);
    const summaryBuilder = new SummaryBuilder({ quality: graded || efforts.size >= 2 });
    const goodput = options.slo ? new GoodputCounter(options.slo) : undefined;
    const open = options.mode?.kind === 'open' ? options.mode : undefined;
    let toRun: Job[] | (() => Iterable<Job>) = sharded ?? (() => plan.jobs());
    let total = sharded?.length ?? plan.count;
    if (options.resume) {
      const r = await prepareResume(files.jsonl, sharded ?? (() => plan.jobs()), { retryErrors: options.retryErrors, onKept: (row) => summaryBuilder.add(row) });
      toRun = r.jobsToRun;
      total = r.toRun;
      warn(`resuming ${outDir}: ${r.kept} rows kept, ${total} jobs to run${r.tornLines ? `, ${r.tornLines} torn line dropped` : ''}`);
    }
    options.onPlan?.({ suite, total, outDir });

    const sink = JsonlSink.open(files.jsonl, { append: Boolean(options.resume) });
    const gate = options.maxCostUsd !== undefined ? createBudgetGate(options.maxCostUsd, prices) : undefined;
    const startedAt = new Date().toISOString();
    let counts: RunJobsResult;
    const selfCheck = startSelfCheck({ targetRate: open?.rate });
    let selfCheckReport: SelfCheckReport;
    try {
      counts = await runJobs(toRun, {
        gate,
        send: options.cacheDir ? withResponseCache(options.cacheDir, sendChatCompletion) : undefined,
        providers,
        // Open loop releases jobs on schedule; --concurrency is then only an optional ceiling.
        concurrency: open && options.concurrency === undefined ? Infinity : options.concurrency ?? suite.concurrency,
        mode: open ? { ...open, retries: open.retries ?? options.maxRetries !== undefined } : options.mode,
        durationMs: options.durationMs,
        warmup: options.warmup,
        adaptive: options.adaptive,
        onRelease: (r) => selfCheck.observeRelease(r.dueAt, r.releasedAt, r.warmup),
        retry: { ...suite.retry, ...(options.maxRetries !== undefined ? { max_retries: options.maxRetries } : {}) },
        signal: options.signal,
        graceMs: options.graceMs,
        fetch: options.fetch,
        allowInsecureHttp: options.allowInsecureHttp,
        onRow: (row) => {
          sink.write(row);
          summaryBuilder.add(row);
          if (!row.warmup) goodput?.add(row);
        },
        onEvent: options.onEvent,
        finishRow: createRowFinisher({
          prices, suiteDir: suite.dir,
          judge: judgeRef && judgeProvider ? createJudge(judgeRef, providers.get(judgeProvider)!, prices, { fetch: options.fetch, allowInsecureHttp: options.allowInsecureHttp }) : undefined,
        }),
      });
    } finally {
      sink.close();
      selfCheckReport = selfCheck.stop();
    }
    if (selfCheckReport.warning) warn(selfCheckReport.warning);
    const summary = summaryBuilder.finish({ suite: suite.name, startedAt, finishedAt: new Date().toISOString() });
    summary.self_check = selfCheckReport;
    summary.load = {
      mode: open ? 'open' : 'closed',
      concurrency: open && options.concurrency === undefined ? null : options.concurrency ?? suite.concurrency,
      rate_per_s: open?.rate ?? null,
      arrival: open ? open.arrival ?? 'poisson' : null,
      duration_ms: options.durationMs ?? null,
      warmup: options.warmup ? ('jobs' in options.warmup ? `${options.warmup.jobs} jobs` : `${options.warmup.ms} ms`) : null,
    };
    if (goodput) summary.goodput = goodput.result(summary.overall.throughput.window_ms);
    if (options.adaptive) summary.adaptive_concurrency = counts.concurrency;
    let gates: GateResult[] = [];
    if (gateConfig && options.shard) warn('gates are not checked on a shard (it sees part of the jobs): check them after `evalbench merge`');
    else if (gateConfig) gates = evaluateGates(summary, gateConfig);
    await writeRunReports(outDir, summary);
    if (gates.length > 0) fs.appendFileSync(files.summaryMd, '\n' + renderGatesTable(gates, 'markdown'));
    await writeHtmlReport(outDir, { summary, quality: summary.quality });
    const comparison = options.baseline
      ? await compareRuns(options.baseline, outDir, { latencyTolerance: options.latencyTolerance })
      : undefined;
    return { suite, outDir, summary, counts, files, warnings, gates, comparison };
  } finally {
    await sim?.close();
  }
}
