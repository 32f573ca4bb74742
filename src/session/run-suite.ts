import path from 'node:path';
import { loadSuite, type Suite } from '../suite/index.ts';
import { makePlan, type PlanOverrides } from '../plan/index.ts';
import { checkModelNames } from './model-check.ts';
import type { Job } from '../plan/types.ts';
import type { FetchLike } from '../providers/types.ts';
import { SIM_PROVIDER_ID } from '../providers/presets.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../providers/sim/index.ts';
import { finishRunFolder, REPORT_FILES, SummaryBuilder, type Summary } from '../report/index.ts';
import { resolveProviders } from './resolve-providers.ts';
import { runJobs, type RunJobsResult } from '../run/run-jobs.ts';
import { createRunClients, type RunClients } from './run-clients.ts';
import { coalescedWarning } from '../measure/coalesced-gaps.ts';
import { loadTokenizer } from '../measure/tokenizer.ts';
import { prepareResume } from './resume.ts';
import { ensureDir } from '../run/ensure-dir.ts';
import type { LoadMode } from '../run/run-jobs.ts';
import type { WarmupSpec } from '../run/duration.ts';
import type { Slo } from '../measure/goodput.ts';
import { startSelfCheck, type SelfCheckReport } from '../measure/self-check.ts';
import { shardJobs, type ShardSpec } from '../plan/index.ts';
import { resolveGates, type BudgetUse, type Comparison, type GateConfig, type GateResult } from '../report/index.ts';
import { createRunBudgetGate, type BudgetGate } from '../run/budget-gate.ts';
import { checkBaseUrl } from '../providers/url-policy.ts';
import { checkSuiteBaseUrls } from './check-suite-urls.ts';
import { createRowFinisher } from '../run/finish-row.ts';
import { createJudge } from './judge-client.ts';
import { assertPricedModels, loadPriceTable, mergePricing, pricingFromMap, unpricedModels, unpricedWarning, type PriceTable } from '../cost/index.ts';
import { preloadGraders } from '../grade/validate-assertions.ts';
import { GradePool } from '../grade/workers/grade-pool.ts';
import { graderEnv } from '../grade/workers/grader-env.ts';
import { asOutputWriteError, InputError, SuiteError, type SuiteIssue } from '../errors/index.ts';
import { parseModelRef } from '../plan/index.ts';
import { budgetShare, planFingerprint } from '../plan/index.ts';
import { measureClockOffset } from '../measure/clock-offset.ts';
import { EVALBENCH_VERSION } from '../version.ts';
import { writeRunRecord, type RunRecord } from '../report/run-record.ts';
import { waitUntilWallClock } from './start-at.ts';
import type { ResolvedProvider } from '../run/run-jobs.ts';
import { checkOutDir, claimDefaultOutDir } from './out-dir.ts';
import { acquireRunLock, type RunLock } from './run-lock.ts';
import type { DigestGroup } from '../report/failure-digest.ts';
import { runReporters, type RunReporter, type RunReporters } from './run-reporters.ts';

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
  /** `outDir` may hold an earlier run: its run files are removed first (default: such a folder is refused, exit 2). */
  overwrite?: boolean;
  /** Opt-in response cache folder: identical requests are replayed, marked cached, left out of latency statistics. */
  cacheDir?: string;
  /** Budget in USD: dispatch stops before spent + in-flight worst cases could exceed it; jobs not run are skipped rows. */
  maxCostUsd?: number;
  /** Prompt + completion tokens over the run (`--max-tokens`): no price needed; the last request sent may overshoot by its own use. */
  maxTokens?: number;
  /** Jobs sent (`--max-requests`), retries not counted again. */
  maxRequests?: number;
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
  /**
   * Run only shard `index` of `count` (1-based): a deterministic, balanced slice by job id. Gates
   * are skipped; budgets (maxCostUsd) are the whole run's, this shard enforcing its budgetShare.
   * `source`: the engine `--shard auto` read it from (recorded in run.json).
   */
  shard?: ShardSpec & { source?: string };
  /** `--start-at`: epoch ms (local wall clock) at which the first request may leave. */
  startAt?: number;
  /** Called while waiting for startAt: at once and about once a second, with the ms left. */
  onCountdown?: (msLeft: number) => void;
  /** Compare this run with an earlier run folder when it ends. */
  baseline?: string;
  latencyTolerance?: number;
  /** Allow http:// base URLs (and redirects) to hosts other than this machine: keys would cross the network in clear text. */
  allowInsecureHttp?: boolean;
  /** Check model names against each provider's GET /models before any request (default true). */
  modelCheck?: boolean;
  /** A price file (`--prices`) whose entries override the shipped prices.yaml; the suite's `pricing:` wins over both. */
  pricesFile?: string;
  /** Non-fatal notes for the user (unpriced models...). Default: collected in RunOutcome.warnings only. */
  onWarning?: (message: string) => void;
  /** Failing cases listed per configuration in the failure digest (default 5; 0 lists none). */
  showFailures?: number;
  /** Options for the in-process simulator, started when a run names sim:* models. */
  simulator?: SimulatorOptions;
  /** Warm the HTTP client before the first measured request (default true). */
  warmUp?: boolean;
  /**
   * Reporters of the caller (the CLI's progress display), called after the built-in ones (results
   * files, gates, baseline): onPlan once the plan is known, onRow/onProgress as jobs run, onFinished
   * once the folder is written.
   */
  reporters?: readonly RunReporter[];
  /**
   * HTTP worker threads (`--workers`; the CLI defaults to one per core less one): each sends its share of
   * the requests from its own event loop and connection pool. Default 1: the main thread sends.
   */
  workers?: number;
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
  /** Why it failed: error messages grouped per configuration, first failing cases (empty when all passed). */
  failures: DigestGroup[];
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
  if (o.overwrite && o.resume) bad('--overwrite cannot be combined with --resume: --resume continues the run in the folder, --overwrite replaces it');
}

/** --max-cost cannot bound what it cannot price: refused before any request, with the ways out. */
function unpricedBudgetError(models: readonly string[]): InputError {
  return new InputError(
    'UNPRICED_BUDGET',
    `--max-cost cannot protect ${models.join(', ')}: no price is known, so their spend cannot be counted. ` +
      `Price them with \`pricing:\` in the suite or --prices FILE (e.g. pricing: {"${models[0]}": {input: 0.5, output: 1.5}}, USD per 1M tokens), ` +
      `or cap the run with --max-tokens N or --max-requests N, which need no price.`,
  );
}

/** What each budget set allowed and used, for the gate table. */
function budgetUses(gate: BudgetGate | undefined): BudgetUse[] {
  const uses: BudgetUse[] = [];
  if (gate?.guard) uses.push({ gate: 'max_cost_usd', limit: gate.guard.maxCostUsd, used: gate.guard.spent, stopped: gate.guard.stopped });
  if (gate?.tokens) uses.push({ gate: 'max_tokens', limit: gate.tokens.max, used: gate.tokens.used, stopped: gate.tokens.stopped });
  if (gate?.requests) uses.push({ gate: 'max_requests', limit: gate.requests.max, used: gate.requests.used, stopped: gate.requests.stopped });
  return uses;
}

/** Shipped prices, then --prices, then the suite's own `pricing:` (later wins per model). */
export function resolvePrices(suite: Suite, pricesFile?: string): PriceTable {
  const tables = [loadPriceTable()];
  if (pricesFile) tables.push(loadPriceTable(pricesFile));
  if (suite.pricing) tables.push(pricingFromMap(suite.pricing, suite.file));
  return mergePricing(tables[0], ...tables.slice(1));
}

/** Imports every javascript grader before any request, so a broken one stops the run at once. */
async function preloadSuiteGraders(suite: Suite, pool: GradePool): Promise<void> {
  const lists: [string, Suite['default_assert']][] = [['default_assert', suite.default_assert]];
  suite.cases.forEach((c, i) => lists.push([`cases[${i}].assert`, c.assert]));
  const issues: SuiteIssue[] = [];
  for (const [where, specs] of lists) {
    if (!specs) continue;
    for (const p of await preloadGraders(specs, suite.dir, pool)) {
      issues.push({ file: suite.file, path: `${where}[${p.index}]${p.field ? '.' + p.field : ''}`, message: p.message });
    }
  }
  if (issues.length > 0) throw new SuiteError(issues);
}

/**
 * Loads (or takes) a suite, runs every job, and writes the run folder. The library's main entry.
 * A failed write (disk full, permissions) rejects with OutputWriteError (exit 3, one line).
 */
export async function runSuite(suiteOrFile: string | Suite, options: RunOptions = {}): Promise<RunOutcome> {
  try {
    return await runSuiteUnguarded(suiteOrFile, options);
  } catch (e) {
    throw asOutputWriteError(e);
  }
}

async function runSuiteUnguarded(suiteOrFile: string | Suite, options: RunOptions): Promise<RunOutcome> {
  checkOptionCombinations(options);
  const suite = typeof suiteOrFile === 'string' ? await loadSuite(suiteOrFile) : suiteOrFile;
  const plan = makePlan(suite, options.overrides);
  // Jobs are made lazily (a big run never holds them all); a shard needs the whole list to slice it.
  const sharded = options.shard ? shardJobs([...plan.jobs()], options.shard.index, options.shard.count) : undefined;
  const gateConfig = resolveGates(suite.gates, options.gates);
  const judge = rubricJudge(suite);
  const providerIds = new Set(plan.models.map((m) => m.provider));
  if (judge) providerIds.add(judge.provider);
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    options.onWarning?.(m);
  };
  const prices = checkPricing(suite, plan.models.map((m) => m.ref), options, warn);
  checkSuiteBaseUrls(suite, { allowInsecureHttp: options.allowInsecureHttp });
  const env = options.env ?? process.env;
  const graderPool = new GradePool({ env: graderEnv(suite.grading?.env, env) });
  // Ctrl-C: answers already in grading get the same grace as requests in flight, then fail.
  const stopGrading = () => setTimeout(() => void graderPool.close('the run was interrupted'), options.graceMs ?? 2000).unref();
  options.signal?.addEventListener('abort', stopGrading, { once: true });
  let sim: RunningSimulator | undefined;
  let lock: RunLock | undefined;
  let clients: RunClients | undefined;
  try {
    await preloadSuiteGraders(suite, graderPool);
    // Keys first: a missing key stops the run before anything is started or sent.
    resolveProviders([...providerIds].filter((id) => id !== SIM_PROVIDER_ID), suite.providers, env);
    if (providerIds.has(SIM_PROVIDER_ID) && !suite.providers?.[SIM_PROVIDER_ID]) sim = await startSimulator(options.simulator);
    const providers = resolveProviders(providerIds, suite.providers, env, sim?.url);
    for (const p of providers.values()) checkBaseUrl(p.endpoint.baseUrl, { allowInsecureHttp: options.allowInsecureHttp }, p.endpoint.id);
    // Model names are checked before anything is written or sent (exit 2 with a did-you-mean).
    if (options.modelCheck !== false) {
      const checked = judge ? [...plan.models, parseModelRef(judge.ref)] : plan.models;
      await checkModelNames(providers, checked, { fetch: options.fetch, warn });
    }
    const outDir = options.resume ?? options.outDir ?? claimDefaultOutDir(suite.name);
    ensureDir(outDir, options.resume ? '--resume' : '--out');
    lock = acquireRunLock(outDir);
    if (!options.resume) checkOutDir(outDir, { overwrite: options.overwrite, runFiles: Object.values(REPORT_FILES) });
    // Budgets count every job's prompt: loaded before the first request. Rows count off this thread (run-clients.ts).
    if (options.maxCostUsd !== undefined || options.maxTokens !== undefined) loadTokenizer();
    const load = loadShape(suite, options);
    clients = createRunClients(options);
    if (options.warmUp !== false) await warmUpClient(clients, providers, load, options, options.durationMs === undefined ? sharded?.length ?? plan.count : undefined);

    const ctx: RunContext = { suite, options, outDir, files: reportFiles(outDir), warn, prices, providers, judge, graderPool, load, clients };
    return await runClaimedFolder(ctx, plan, sharded, gateConfig, warnings);
  } finally {
    lock?.release();
    options.signal?.removeEventListener('abort', stopGrading);
    await graderPool.close();
    await clients?.close();
    await sim?.close();
  }
}

/** The run once its folder is claimed: budgets, reporters, resume, run.json, the jobs, then the finished folder. */
async function runClaimedFolder(
  ctx: RunContext, plan: ReturnType<typeof makePlan>, sharded: Job[] | undefined, gateConfig: GateConfig | null, warnings: string[],
): Promise<RunOutcome> {
  const { suite, options, outDir, warn, prices, providers } = ctx;
  const inShard = sharded?.length ?? plan.count;
  // A shard enforces its share of each whole-run budget (recorded in run.json).
  const budgets = budgetRecord(options, plan.count, inShard);
  const gate = createRunBudgetGate({ maxCostUsd: budgets.max_cost_usd?.share, maxTokens: budgets.max_tokens?.share, maxRequests: budgets.max_requests?.share }, prices);
  const reporters = runReporters({
    jsonlPath: ctx.files.jsonl, append: Boolean(options.resume), slo: options.slo, gates: gateConfig, budgets: () => budgetUses(gate),
    shard: Boolean(options.shard), showFailures: options.showFailures, baseline: options.baseline, latencyTolerance: options.latencyTolerance,
    warn, extra: options.reporters,
  });
  const summaryBuilder = createSummaryBuilder(suite, options);
  const { toRun, total } = await jobsToRun(ctx, summaryBuilder, reporters.all, sharded ?? (() => plan.jobs()), inShard);
  await recordRun(outDir, suite, plan, inShard, budgets, options, providers);
  if (options.startAt !== undefined) await waitForStart(options.startAt, options, warn);
  for (const r of reporters.all) r.onPlan?.({ suite, total, outDir });

  const run = await executeJobs(ctx, summaryBuilder, reporters.all, toRun, gate);
  const summary = summarize(ctx, summaryBuilder, reporters, run);
  await finishRunFolder(outDir, summary, reporters.all);
  return {
    suite, outDir, summary, counts: run.counts, files: ctx.files, warnings,
    gates: reporters.gates.results, comparison: reporters.baseline?.comparison, failures: reporters.digest.failures,
  };
}

/** What the steps of one run share once its providers are up and its folder is claimed. */
interface RunContext {
  suite: Suite;
  options: RunOptions;
  outDir: string;
  files: RunOutcome['files'];
  warn: (message: string) => void;
  prices: PriceTable;
  providers: ReadonlyMap<string, ResolvedProvider>;
  judge: RubricJudge | undefined;
  graderPool: GradePool;
  load: LoadShape;
  clients: RunClients;
}

/** The suite's judge model, when some assertion is an llm-rubric (otherwise no judge is needed). */
interface RubricJudge {
  ref: string;
  provider: string;
}

function rubricJudge(suite: Suite): RubricJudge | undefined {
  const ref = suite.grading?.judge;
  const isRubric = (a: { type: string }) => a.type.replace(/^not-/, '') === 'llm-rubric';
  const provider = ref && [suite.default_assert ?? [], ...suite.cases.map((c) => c.assert ?? [])].some((l) => l.some(isRubric))
    ? parseModelRef(ref).provider : undefined;
  return ref && provider ? { ref, provider } : undefined;
}

/** The price table, once every model is priced or allowed unpriced (refused under --max-cost). */
function checkPricing(suite: Suite, modelRefs: string[], options: RunOptions, warn: (m: string) => void): PriceTable {
  const prices = resolvePrices(suite, options.pricesFile);
  assertPricedModels(prices, modelRefs);
  const unpricedRefs = unpricedModels(prices, modelRefs);
  if (options.maxCostUsd !== undefined && unpricedRefs.length > 0) throw unpricedBudgetError(unpricedRefs);
  const unpriced = unpricedWarning(unpricedRefs);
  if (unpriced) warn(unpriced);
  return prices;
}

/** Closed or open loop, and how many requests may be in flight. */
interface LoadShape {
  open: Extract<LoadMode, { kind: 'open' }> | undefined;
  concurrency: number;
}

function loadShape(suite: Suite, options: RunOptions): LoadShape {
  const open = options.mode?.kind === 'open' ? options.mode : undefined;
  // Open loop releases jobs on schedule; --concurrency is then only an optional ceiling.
  const concurrency = open && options.concurrency === undefined ? Infinity : options.concurrency ?? suite.concurrency;
  return { open, concurrency };
}

async function warmUpClient(
  clients: RunClients, providers: ReadonlyMap<string, ResolvedProvider>, load: LoadShape, options: RunOptions, jobs: number | undefined,
): Promise<void> {
  await clients.warm(providers, {
    // Open loop: about rate x 1 s in flight (Little's law for answers of about a second).
    concurrency: load.open ? Math.min(load.concurrency, Math.ceil(load.open.rate)) : load.concurrency,
    jobs,
  });
}

function reportFiles(outDir: string): RunOutcome['files'] {
  return {
    jsonl: path.join(outDir, REPORT_FILES.jsonl),
    csv: path.join(outDir, REPORT_FILES.csv),
    summaryJson: path.join(outDir, REPORT_FILES.summaryJson),
    summaryMd: path.join(outDir, REPORT_FILES.summaryMd),
    html: path.join(outDir, REPORT_FILES.html),
  };
}

/** The summary's builder, which every row (run now, or kept by --resume) is added to. */
function createSummaryBuilder(suite: Suite, options: RunOptions): SummaryBuilder {
  // A plan that grades nothing and runs each model at one effort has no quality statistics:
  // the summary then keeps nothing per row (memory flat in the number of jobs).
  const graded = (suite.default_assert?.length ?? 0) > 0 || suite.cases.some((c) => (c.assert?.length ?? 0) > 0);
  const efforts = new Set(options.overrides?.efforts ?? suite.reasoning_effort ?? []);
  return new SummaryBuilder({ quality: graded || efforts.size >= 2 });
}

/** The jobs still to run: all of them, or under --resume those without a kept row (kept rows are collected). */
async function jobsToRun(
  ctx: RunContext, summaryBuilder: SummaryBuilder, reporters: readonly RunReporter[], jobs: Job[] | (() => Iterable<Job>), count: number,
): Promise<{ toRun: Job[] | (() => Iterable<Job>); total: number }> {
  const { options } = ctx;
  if (!options.resume) return { toRun: jobs, total: count };
  const r = await prepareResume(ctx.files.jsonl, jobs, { retryErrors: options.retryErrors, onKept: (row) => {
    summaryBuilder.add(row);
    for (const rep of reporters) rep.onRow?.(row, 'kept');
  } });
  ctx.warn(`resuming ${ctx.outDir}: ${r.kept} rows kept, ${r.toRun} jobs to run${r.tornLines ? `, ${r.tornLines} torn line dropped` : ''}`);
  return { toRun: r.jobsToRun, total: r.toRun };
}

/** What sending the jobs gave, besides the rows. */
interface JobsRun {
  counts: RunJobsResult;
  startedAt: string;
  selfCheckReport: SelfCheckReport;
}

/** Sends the jobs under the budgets, each row to the summary and the reporters. */
async function executeJobs(
  ctx: RunContext, summaryBuilder: SummaryBuilder, reporters: readonly RunReporter[], toRun: Job[] | (() => Iterable<Job>), gate: BudgetGate | undefined,
): Promise<JobsRun> {
  const { suite, options, providers, prices, judge, load: { open } } = ctx;
  const startedAt = new Date().toISOString();
  let counts: RunJobsResult;
  const selfCheck = startSelfCheck({ targetRate: open?.rate });
  let selfCheckReport: SelfCheckReport;
  try {
    counts = await runJobs(toRun, {
      gate,
      send: ctx.clients.send,
      providers,
      concurrency: ctx.load.concurrency,
      mode: open ? { ...open, retries: open.retries ?? options.maxRetries !== undefined } : options.mode,
      durationMs: options.durationMs,
      warmup: options.warmup,
      adaptive: options.adaptive,
      onRelease: (r) => selfCheck.observeRelease(r.dueAt, r.releasedAt, r.warmup),
      releaseLeadMs: ctx.clients.releaseLeadMs,
      retry: { ...suite.retry, ...(options.maxRetries !== undefined ? { max_retries: options.maxRetries } : {}) },
      signal: options.signal,
      graceMs: options.graceMs,
      fetch: options.fetch,
      allowInsecureHttp: options.allowInsecureHttp,
      onRow: (row) => {
        summaryBuilder.add(row);
        for (const r of reporters) r.onRow?.(row, 'run');
      },
      onEvent: (event) => {
        for (const r of reporters) r.onProgress?.(event);
      },
      finishRow: createRowFinisher({
        prices, suiteDir: suite.dir, pool: ctx.graderPool,
        judge: judge ? createJudge(judge.ref, providers.get(judge.provider)!, prices, { fetch: options.fetch, allowInsecureHttp: options.allowInsecureHttp }) : undefined,
      }),
    });
  } finally {
    for (const r of reporters) r.onRunEnd?.();
    selfCheckReport = selfCheck.stop();
  }
  return { counts, startedAt, selfCheckReport };
}

/** The run's summary: the collected rows plus the self-check, the load shape, goodput and adaptive concurrency. */
function summarize(ctx: RunContext, summaryBuilder: SummaryBuilder, reporters: RunReporters, run: JobsRun): Summary {
  const { suite, options, warn, load: { open } } = ctx;
  if (run.selfCheckReport.warning) warn(run.selfCheckReport.warning);
  const summary = summaryBuilder.finish({ suite: suite.name, startedAt: run.startedAt, finishedAt: new Date().toISOString() });
  const coalesced = coalescedWarning(summary.overall.itl_coalesced.gaps, summary.overall.metrics.itl_ms.count);
  if (coalesced) warn(`ITL: ${coalesced}`);
  summary.self_check = run.selfCheckReport;
  summary.load = {
    mode: open ? 'open' : 'closed',
    concurrency: open && options.concurrency === undefined ? null : options.concurrency ?? suite.concurrency,
    rate_per_s: open?.rate ?? null,
    arrival: open ? open.arrival ?? 'poisson' : null,
    duration_ms: options.durationMs ?? null,
    warmup: options.warmup ? ('jobs' in options.warmup ? `${options.warmup.jobs} jobs` : `${options.warmup.ms} ms`) : null,
  };
  if (reporters.goodput) summary.goodput = reporters.goodput.result(summary.overall.throughput.window_ms);
  if (options.adaptive) summary.adaptive_concurrency = run.counts.concurrency;
  return summary;
}

/**
 * run.json before the first request: the plan fingerprint, the shard, the budgets (whole run and
 * this shard's share) and, for a shard or a --start-at run, the clock offset against the first
 * provider's Date header.
 */
async function recordRun(
  outDir: string, suite: Suite, plan: ReturnType<typeof makePlan>, inShard: number, budgets: RunRecord['budgets'], options: RunOptions,
  providers: ReadonlyMap<string, ResolvedProvider>,
): Promise<RunRecord> {
  const shard = options.shard ?? { index: 1, count: 1 };
  let clock: RunRecord['clock'] = null;
  const first = providers.get(plan.models[0]?.provider ?? '');
  if (first && (options.shard || options.startAt !== undefined)) {
    const headers = { ...first.endpoint.headers, ...(first.apiKey ? { Authorization: `Bearer ${first.apiKey}` } : {}) };
    // Five probes 0.29 s apart (~1.2 s) sample different phases of the Date header's second.
    clock = await measureClockOffset(`${first.endpoint.baseUrl}/models`, headers, { fetch: options.fetch, probes: 5, spacingMs: 290 });
  }
  const record: RunRecord = {
    record_version: 1,
    suite: suite.name,
    evalbench_version: EVALBENCH_VERSION,
    plan_fingerprint: planFingerprint(plan),
    shard: { index: shard.index, count: shard.count, ...(options.shard?.source ? { source: options.shard.source } : {}) },
    jobs: { planned: plan.count, in_shard: inShard },
    budgets,
    start_at: options.startAt !== undefined ? new Date(options.startAt).toISOString() : null,
    clock,
  };
  await writeRunRecord(outDir, record);
  return record;
}

/** The budgets given for the whole run and this shard's share of each (budgetShare; equal when unsharded). */
function budgetRecord(options: RunOptions, inRun: number, inShard: number): RunRecord['budgets'] {
  const shard = options.shard ?? { index: 1, count: 1 };
  const planned = { inShard, inRun };
  const budgets: RunRecord['budgets'] = {};
  if (options.maxCostUsd !== undefined) {
    budgets.max_cost_usd = { total: options.maxCostUsd, share: budgetShare(options.maxCostUsd, shard, planned) };
  }
  if (options.maxTokens !== undefined) {
    budgets.max_tokens = { total: options.maxTokens, share: budgetShare(options.maxTokens, shard, planned, { integer: true }) };
  }
  if (options.maxRequests !== undefined) {
    budgets.max_requests = { total: options.maxRequests, share: budgetShare(options.maxRequests, shard, planned, { integer: true }) };
  }
  return budgets;
}

/** --start-at: a time already past starts at once (with a warning: the shards will not start together). */
async function waitForStart(atMs: number, options: RunOptions, warn: (m: string) => void): Promise<void> {
  const late = Date.now() - atMs;
  if (late > 0) {
    warn(`--start-at ${new Date(atMs).toISOString()} was ${(late / 1000).toFixed(1)} s ago: starting now, not together with the other shards`);
    return;
  }
  try {
    await waitUntilWallClock(atMs, { signal: options.signal, onCountdown: options.onCountdown });
  } catch {
    // Interrupted during the countdown: runJobs sees the aborted signal and skips every job.
  }
}
