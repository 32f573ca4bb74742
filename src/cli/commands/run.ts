import { Option, type Command } from 'commander';
import { EXIT } from '../../errors/index.ts';
import { runSuite, type RunOptions, type RunOutcome } from '../../run/index.ts';
import { gatesPassed, renderComparisonText, renderGatesTable, renderSummaryTable } from '../../report/index.ts';
import { parseShard } from '../../plan/index.ts';
import { parseRunDuration, parseWarmup } from '../../run/duration.ts';
import { parseSweep, renderSweepTable } from '../../run/sweep.ts';
import { parseSlo } from '../../measure/goodput.ts';
import { sweepSuite } from '../../run/sweep-suite.ts';
import { createProgress } from '../progress.ts';
import { appendStepSummary, err, out, type SetExit } from '../console.ts';
import { addGateOptions, addPlanOptions, gateFlags, wrapInputParser } from '../flag-groups.ts';
import { parseDurationMs, parseNonNegativeInt, parsePositiveInt, parsePositiveNumber, parseUsd } from '../parse-flags.ts';

/** Exit code of a finished run: 3 when it was interrupted or no request succeeded. */
export function runExitCode(outcome: RunOutcome): number {
  if (outcome.counts.interrupted) return EXIT.runIncomplete;
  if (outcome.counts.rows > 0 && outcome.counts.ok === 0) return EXIT.runIncomplete;
  return EXIT.ok;
}

/** `evalbench run`: the suite, measured, into a results folder; Ctrl-C stops it cleanly. */
export function registerRun(program: Command, setExit: SetExit): void {
  addGateOptions(addPlanOptions(program
    .command('run')))
    .description('Run a suite: every case x model x reasoning effort x repeat, measured and written to a results folder.')
    .argument('<suite>', 'suite YAML file')
    .option('--concurrency <n>', 'requests in flight at once, overall', parsePositiveInt)
    .option('--timeout <ms>', 'per-attempt timeout (30000, 30s, 2m)', parseDurationMs)
    .option('--max-retries <n>', 'retries after a retryable failure (429, 5xx, network)', parseNonNegativeInt)
    .option('--out <dir>', 'results folder (default results/<suite>/<timestamp>/)')
    .option('--resume <dir>', 'continue an earlier run in <dir>: jobs that already have an ok or error row are not run again')
    .option('--retry-errors', 'with --resume: run the jobs whose rows are errors again')
    .option('--cache <dir>', 'replay identical requests from <dir> (opt-in); cached rows are marked and left out of latency statistics')
    .option('--max-cost <usd>', 'budget in USD: stop dispatching before spent + in-flight worst case could exceed it; jobs not run become skipped rows', parseUsd)
    .option('--prices <file>', 'price file (YAML) that overrides the shipped prices.yaml; a suite\'s pricing: wins over both')
    .option('--shard <i/n>', 'run only shard i of n (1-based): a deterministic, balanced slice of the jobs; join shards with `evalbench merge`', wrapInputParser(parseShard))
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
    .option('--no-model-check', 'do not check model names against each provider\'s GET /models list before sending')
    .option('--allow-insecure-http', 'allow http:// base URLs to hosts other than this machine (keys would travel in clear text)')
    .option('--adaptive', 'adapt each provider\'s concurrency: halve on 429, add one back after a run of successes')
    .addOption(new Option('--progress <mode>', 'progress on stderr').choices(['auto', 'off']).default('auto'))
    .addHelpText('after', `
Writes results.jsonl (one row per job, as each ends), results.csv, summary.json and summary.md,
and prints the summary. Models named sim:* run on the built-in simulator (no key, no network).
API keys come from environment variables only (VIGTHORIA_API_KEY, VIVGRID_API_KEY, OPENAI_API_KEY,
or a provider's api_key_env).

Exit codes: 0 ok, 1 a gate failed, 2 bad input (suite, flags, missing key), 3 the run could not
complete (interrupted, or every request failed).

Examples:
  evalbench run suites/example.yaml
  evalbench run suites/example.yaml --models sim:fast,sim:slow --efforts low,high --concurrency 8
  VIGTHORIA_API_KEY=... evalbench run suites/smoke.yaml --models vigthoria:v2-code`)
    .action(async (file: string, o) => {
      const controller = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        interrupts += 1;
        if (interrupts > 1) process.exit(EXIT.runIncomplete);
        err('\ninterrupted: no new requests; waiting briefly for those in flight (Ctrl-C again to quit now)');
        controller.abort(new Error('interrupted'));
      };
      process.on('SIGINT', onSigint);
      const progress = createProgress(process.stderr, o.progress);
      try {
        const runOptions: RunOptions = {
          overrides: { models: o.models, efforts: o.efforts, repeats: o.repeats, timeoutMs: o.timeout, filter: o.filter, limit: o.limit },
          concurrency: o.concurrency,
          maxRetries: o.maxRetries,
          outDir: o.out,
          resume: o.resume,
          retryErrors: o.retryErrors,
          cacheDir: o.cache,
          maxCostUsd: o.maxCost,
          pricesFile: o.prices,
          gates: gateFlags(o),
          shard: o.shard,
          baseline: o.baseline,
          latencyTolerance: o.latencyTolerance,
          signal: controller.signal,
          onPlan: ({ total }) => progress.start(total),
          onEvent: (e) => progress.onEvent(e),
          onWarning: (m) => err(`warning: ${m}`),
          mode: o.rate !== undefined ? { kind: 'open', rate: o.rate, arrival: o.arrival, seed: o.arrivalSeed } : undefined,
          durationMs: o.duration,
          warmup: o.warmup,
          adaptive: o.adaptive,
          slo: o.slo,
          allowInsecureHttp: o.allowInsecureHttp,
          modelCheck: o.modelCheck,
        };
        if (o.sweep) {
          const sweep = await sweepSuite(file, o.sweep, { ...runOptions, onPlan: undefined, onEvent: undefined });
          progress.stop();
          out(renderSweepTable(sweep.result));
          out(`sweep: ${sweep.outDir} (sweep.csv, sweep.json; one folder per level)`);
          const failed = sweep.levels.some((l) => l.counts.interrupted || (l.counts.rows > 0 && l.counts.ok === 0));
          setExit(failed ? EXIT.runIncomplete : EXIT.ok);
          return;
        }
        const outcome = await runSuite(file, runOptions);
        progress.stop();
        out(renderSummaryTable(outcome.summary));
        out(`results: ${outcome.outDir}`);
        appendStepSummary(outcome.files.summaryMd);
        let code: number = runExitCode(outcome);
        if (outcome.gates.length > 0) {
          out('\n' + renderGatesTable(outcome.gates));
          if (!gatesPassed(outcome.gates) && code === EXIT.ok) code = EXIT.gateFailed;
        }
        if (outcome.comparison) {
          out('\n' + renderComparisonText(outcome.comparison));
          if (o.failOnRegression && outcome.comparison.regressed && code === EXIT.ok) code = EXIT.gateFailed;
        }
        const budgetSkipped = outcome.summary.overall.skipped_by_type?.budget ?? 0;
        if (budgetSkipped > 0) {
          err(`budget reached: ${budgetSkipped} jobs not run (status skipped, error_type budget); spent stays within --max-cost`);
          if (code === EXIT.ok) code = EXIT.gateFailed;
        }
        if (outcome.counts.interrupted) err(`interrupted: ${outcome.counts.skipped} jobs not run; finished rows are in ${outcome.files.jsonl}`);
        else if (code === EXIT.runIncomplete) err('run incomplete: every request failed (see error_type in results.csv)');
        setExit(code);
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
      }
    });
}
