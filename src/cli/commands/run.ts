import { Option, type Command, type OptionValues } from 'commander';
import { z } from 'zod';
import { EXIT } from '../../errors/index.ts';
import { runSuite, type RunOptions, type RunOutcome } from '../../session/index.ts';
import { gatesPassed, renderComparisonText, renderGatesTable, renderSummaryTable } from '../../report/index.ts';
import { resolveShard, type EnvShard, type ShardSpec } from '../../plan/index.ts';
import { parseStartAt } from '../../session/start-at.ts';
import { parseRunDuration, parseWarmup, type WarmupSpec } from '../../run/duration.ts';
import { parseSweep, renderSweepTable, type SweepSpec } from '../../report/sweep.ts';
import { parseSlo, type Slo } from '../../measure/goodput.ts';
import { sweepSuite } from '../../session/sweep-suite.ts';
import { defaultWorkers } from '../../session/run-clients.ts';
import { createProgress, progressRunReporter, type ProgressReporter } from '../progress.ts';
import { renderFailureDigestText } from '../../report/failure-digest-render.ts';
import { appendStepSummary, err, out, type SetExit } from '../console.ts';
import { addGateOptions, addPlanOptions, GATE_FLAGS, gateFlags, PLAN_FLAGS, planOverrides, wrapInputParser } from '../flag-groups.ts';
import { parseDurationMs, parseNonNegativeInt, parsePositiveInt, parsePositiveNumber, parseUsd } from '../parse-flags.ts';
import { checkedRunExitCode, runExitCode, sweepExitCode } from '../exit-policy.ts';
import { optionalBoolean, optionalNumber, optionalString, readOptions } from '../typed-options.ts';

/** The values of every `run` flag (addRunOptions, plan and gate flags), as commander's parsers left them. */
export const RUN_FLAGS = z.strictObject({
  ...PLAN_FLAGS,
  ...GATE_FLAGS,
  concurrency: optionalNumber,
  workers: optionalNumber,
  timeout: optionalNumber,
  maxRetries: optionalNumber,
  out: optionalString,
  resume: optionalString,
  overwrite: optionalBoolean,
  retryErrors: optionalBoolean,
  cache: optionalString,
  maxTokens: optionalNumber,
  maxRequests: optionalNumber,
  prices: optionalString,
  shard: z.custom<ShardSpec & Partial<Pick<EnvShard, 'source' | 'variables'>>>().optional(),
  startAt: optionalNumber,
  baseline: optionalString,
  failOnRegression: optionalBoolean,
  latencyTolerance: z.number(),
  rate: optionalNumber,
  arrival: z.enum(['poisson', 'constant']),
  arrivalSeed: optionalNumber,
  duration: optionalNumber,
  warmup: z.custom<WarmupSpec>().optional(),
  sweep: z.custom<SweepSpec>().optional(),
  slo: z.custom<Slo>().optional(),
  showFailures: z.number(),
  modelCheck: z.boolean(),
  allowInsecureHttp: optionalBoolean,
  adaptive: optionalBoolean,
  progress: z.enum(['auto', 'json', 'off']),
});
type RunFlags = z.infer<typeof RUN_FLAGS>;

function printWarnings(warnings: ReadonlySet<string>): void {
  if (warnings.size === 0) return;
  err(['', 'Warnings:', ...[...warnings].map((w) => `  - ${w}`)].join('\n'));
}

const RUN_HELP = `
Writes results.jsonl (one row per job, as each ends), results.csv, summary.json and summary.md,
and prints the summary. Models named sim:* run on the built-in simulator (no key, no network).
API keys come from environment variables only (VIGTHORIA_API_KEY, VIVGRID_API_KEY, OPENAI_API_KEY,
or a provider's api_key_env).

Exit codes: 0 ok, 1 a gate failed, 2 bad input (suite, flags, missing key), 3 the run could not
complete (interrupted, or every request failed).

Examples:
  evalbench run suites/example.yaml
  evalbench run suites/example.yaml --models sim:fast,sim:slow --efforts low,high --concurrency 8
  VIGTHORIA_API_KEY=... evalbench run suites/smoke.yaml --models vigthoria:v2-code`;

/** `evalbench run`: the suite, measured, into a results folder; Ctrl-C stops it cleanly. */
export function registerRun(program: Command, setExit: SetExit): void {
  addRunOptions(addGateOptions(addPlanOptions(program
    .command('run'))))
    .addHelpText('after', RUN_HELP)
    .action((file: string, o: OptionValues) => runCommand(file, readOptions('run', RUN_FLAGS, o), setExit));
}

/** The flags only `run` has (plan and gate flags are shared, see flag-groups.ts). */
function addRunOptions(cmd: Command): Command {
  return cmd
    .argument('<suite>', 'suite YAML file')
    .option('--concurrency <n>', 'requests in flight at once, overall', parsePositiveInt)
    .option('--workers <n>', 'HTTP client threads, each sending its share of the requests from its own event loop and connection pool; with --rate each holds its arrivals until due, so a main-thread pause under 50 ms delays none (default: one per core less one for the main thread, at least 1; 1 = the main thread sends)', parsePositiveInt, defaultWorkers())
    .option('--timeout <ms>', 'per-attempt timeout (30000, 30s, 2m)', parseDurationMs)
    .option('--max-retries <n>', 'retries after a retryable failure (429, 5xx, network)', parseNonNegativeInt)
    .option('--out <dir>', 'results folder (default results/<suite>/<timestamp>/)')
    .option('--resume <dir>', 'continue an earlier run in <dir>: jobs that already have an ok or error row are not run again')
    .option('--overwrite', 'with --out: replace the run already in that folder (default: such a folder is refused, exit 2)')
    .option('--retry-errors', 'with --resume: run the jobs whose rows are errors again')
    .option('--cache <dir>', 'replay identical requests from <dir> (opt-in); cached rows are marked and left out of latency statistics')
    .option('--max-cost <usd>', 'budget in USD: stop dispatching before spent + in-flight worst case could exceed it; jobs not run become skipped rows. With --shard (as --max-tokens and --max-requests): the whole run\'s budget, each shard spending at most its share (by planned jobs)', parseUsd)
    .option('--max-tokens <n>', 'budget in tokens (prompt + completion, no price needed): no new request once n are used; the last one sent may overshoot by its own use; jobs not run become skipped rows', parsePositiveInt)
    .option('--max-requests <n>', 'budget in requests (jobs sent; retries not counted again): jobs beyond it become skipped rows', parsePositiveInt)
    .option('--prices <file>', 'price file (YAML) that overrides the shipped prices.yaml; a suite\'s pricing: wins over both')
    .option('--shard <i/n|auto>', 'run only shard i of n (1-based): a deterministic, balanced slice of the jobs; join shards with `evalbench merge`. auto: read i and n from the CI or Kubernetes environment (README: Sharding)', wrapInputParser((t) => resolveShard(t, process.env)))
    .option('--start-at <time>', 'wait (with a countdown) until this ISO-8601 time with a zone, e.g. 2026-12-04T19:30:00Z, then start sending: shards of a load test start together', wrapInputParser(parseStartAt))
    .option('--baseline <dir>', 'compare with an earlier run folder when done')
    .option('--fail-on-regression', 'with --baseline: exit 1 on a significant quality drop or a p95 latency/TTFT ratio above --latency-tolerance')
    .option('--latency-tolerance <ratio>', 'with --baseline: largest acceptable p95 ratio new/base', parsePositiveNumber, 1.2)
    .option('--rate <n>', 'open loop: release requests at n per second whatever the server does (--concurrency becomes an optional ceiling; retries off unless --max-retries)', parsePositiveNumber)
    .addOption(new Option('--arrival <kind>', 'open-loop arrivals').choices(['poisson', 'constant']).default('poisson'))
    .option('--arrival-seed <n>', 'seed of the Poisson arrival schedule', parseNonNegativeInt)
    .option('--duration <time>', 'cycle through the jobs until this much time has passed (30s, 5m); requests in flight at the end are rows with error_type incomplete', wrapInputParser(parseRunDuration))
    .option('--warmup <n|time>', 'run N jobs (or for a time, e.g. 10s) first and leave them out of every statistic', wrapInputParser(parseWarmup))
    .option('--sweep <param=levels>', 'run once per level: concurrency=1,4,16,64 or rate=1,5,10,20; writes sweep.csv and sweep.json', wrapInputParser(parseSweep))
    .option('--slo <list>', 'service-level objectives for goodput, e.g. ttft_ms=500,tpot_ms=50,latency_ms=10000', wrapInputParser(parseSlo))
    .option('--show-failures <n>', 'after the tables, list the first n failing cases per model x effort with their assertion reasons (0 hides them)', parseNonNegativeInt, 5)
    .option('--no-model-check', 'do not check model names against each provider\'s GET /models list before sending')
    .option('--allow-insecure-http', 'allow http:// base URLs to hosts other than this machine (keys would travel in clear text)')
    .option('--adaptive', 'adapt each provider\'s concurrency: halve on 429, add one back after a run of successes')
    .addOption(new Option('--progress <mode>', 'progress on stderr: auto (a bar on a terminal, a line every 5 s otherwise), json (a JSON line a second), off').choices(['auto', 'json', 'off']).default('auto'));
}

/** What the run and its report share: where progress and warnings go, and how the exit code is set. */
interface RunContext {
  progress: ProgressReporter;
  warnings: Set<string>;
  setExit: SetExit;
}

async function runCommand(file: string, o: RunFlags, setExit: SetExit): Promise<void> {
  const controller = new AbortController();
  const removeSignalHandlers = abortOnSignals(controller);
  const progress = createProgress(process.stderr, o.progress);
  if (o.shard?.source) err(`shard ${o.shard.index}/${o.shard.count} from the ${o.shard.source} environment (${o.shard.variables})`);
  // Warnings wait for the end: one short block after the results, each once, and none at all before a fatal error.
  const ctx: RunContext = { progress, warnings: new Set<string>(), setExit };
  try {
    const runOptions = buildRunOptions(o, controller.signal, ctx);
    if (o.sweep) await sweepAndReport(file, o.sweep, runOptions, ctx);
    else await runAndReport(file, o, runOptions, ctx);
  } finally {
    progress.stop();
    removeSignalHandlers();
  }
}

/**
 * Ctrl-C aborts the run: no new requests, reports still written. SIGTERM (CI cancellation, `kill`, docker stop)
 * is handled as Ctrl-C: reports written, in-flight jobs marked, exit 3. A second signal quits at once.
 * Returns the function that removes the handlers.
 */
function abortOnSignals(controller: AbortController): () => void {
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts > 1) process.exit(EXIT.runIncomplete);
    err(`\n${signal === 'SIGTERM' ? 'terminated (SIGTERM)' : 'interrupted'}: no new requests; waiting briefly for those in flight (Ctrl-C again to quit now)`);
    controller.abort(new Error(signal === 'SIGTERM' ? 'terminated (SIGTERM)' : 'interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** The parsed flags as runSuite options, with progress, warnings and the abort signal wired in. */
function buildRunOptions(o: RunFlags, signal: AbortSignal, ctx: RunContext): RunOptions {
  return {
    overrides: planOverrides(o, o.timeout),
    concurrency: o.concurrency,
    workers: o.workers,
    maxRetries: o.maxRetries,
    outDir: o.out,
    resume: o.resume,
    retryErrors: o.retryErrors,
    overwrite: o.overwrite,
    cacheDir: o.cache,
    maxCostUsd: o.maxCost,
    maxTokens: o.maxTokens,
    maxRequests: o.maxRequests,
    pricesFile: o.prices,
    gates: gateFlags(o),
    shard: o.shard,
    startAt: o.startAt,
    onCountdown: o.startAt === undefined ? undefined : countdown(o.startAt),
    baseline: o.baseline,
    latencyTolerance: o.latencyTolerance,
    signal,
    reporters: [progressRunReporter(ctx.progress, { durationMs: o.duration })],
    onWarning: (m) => ctx.warnings.add(m),
    mode: o.rate !== undefined ? { kind: 'open', rate: o.rate, arrival: o.arrival, seed: o.arrivalSeed } : undefined,
    durationMs: o.duration,
    warmup: o.warmup,
    adaptive: o.adaptive,
    slo: o.slo,
    allowInsecureHttp: o.allowInsecureHttp,
    showFailures: o.showFailures,
    modelCheck: o.modelCheck,
  };
}

/** The --start-at countdown line on stderr. */
function countdown(startAt: number): (msLeft: number) => void {
  return (ms) => err(`starting in ${Math.ceil(ms / 1000)} s (--start-at ${new Date(startAt).toISOString()})`);
}

/** --sweep: one run per level, then the sweep table; exit 3 when any level could not complete. */
async function sweepAndReport(file: string, spec: SweepSpec, runOptions: RunOptions, ctx: RunContext): Promise<void> {
  const sweep = await sweepSuite(file, spec, { ...runOptions, reporters: undefined });
  ctx.progress.stop();
  out(renderSweepTable(sweep.result));
  out(`sweep: ${sweep.outDir} (sweep.csv, sweep.json; one folder per level)`);
  ctx.setExit(sweepExitCode(sweep.levels));
  printWarnings(ctx.warnings);
}

/** One run: the summary and failure digest, then gates, comparison and budget, which decide the exit code. */
async function runAndReport(file: string, o: RunFlags, runOptions: RunOptions, ctx: RunContext): Promise<void> {
  const outcome = await runSuite(file, runOptions);
  ctx.progress.stop();
  out(renderSummaryTable(outcome.summary));
  const why = renderFailureDigestText(outcome.failures, { failuresHidden: o.showFailures === 0 });
  if (why) out('\n' + why);
  out(`results: ${outcome.outDir}`);
  appendStepSummary(outcome.files.summaryMd);
  const code = reportChecks(outcome, Boolean(o.failOnRegression));
  printWarnings(ctx.warnings);
  ctx.setExit(code);
}

/** Prints gates, the baseline comparison and budget/incomplete notes; returns the exit code they lead to. */
function reportChecks(outcome: RunOutcome, failOnRegression: boolean): number {
  if (outcome.gates.length > 0) out('\n' + renderGatesTable(outcome.gates));
  if (outcome.comparison) out('\n' + renderComparisonText(outcome.comparison));
  const budgetSkipped = outcome.summary.overall.skipped_by_type?.budget ?? 0;
  if (budgetSkipped > 0) err(`budget reached: ${budgetSkipped} jobs not run (status skipped, error_type budget); see the gate table`);
  if (outcome.counts.interrupted) err(`interrupted: ${outcome.counts.skipped} jobs not run; finished rows are in ${outcome.files.jsonl}`);
  else if (runExitCode(outcome) === EXIT.runIncomplete) err('run incomplete: every request failed (see "Why it failed" above)');
  return checkedRunExitCode(outcome, [
    !gatesPassed(outcome.gates),
    failOnRegression && Boolean(outcome.comparison?.regressed),
    budgetSkipped > 0,
  ]);
}
