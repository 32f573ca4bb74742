import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EvalbenchError, EXIT } from '../errors/index.ts';
import { runSuite, type RunOptions, type RunOutcome } from '../run/index.ts';
import { loadSuite, suiteJsonSchema } from '../suite/index.ts';
import { planJobs } from '../plan/index.ts';
import { startSimulator } from '../providers/sim/index.ts';
import {
  compareRuns, evaluateGates, gatesPassed, mergeRunDirs, rebuildReports, renderComparisonMarkdown, renderComparisonText,
  renderGatesTable, renderSummaryTable, resolveGates, REPORT_FILES, type GateConfig,
} from '../report/index.ts';
import { parseShard } from '../plan/index.ts';
import { parseRunDuration, parseWarmup } from '../run/duration.ts';
import { parseSweep, renderSweepTable } from '../run/sweep.ts';
import { parseSlo } from '../measure/goodput.ts';
import { sweepSuite } from '../run/sweep-suite.ts';
import { writeHtmlReport } from '../report/html/index.ts';
import { createProgress } from './progress.ts';
import { estimateSuite } from '../cost/estimate-suite.ts';
import { estimateOverBudget, formatUsd, renderEstimateText } from '../cost/index.ts';
import { parseDurationMs, parseEfforts, parseList, parseNonNegativeInt, parsePositiveInt, parsePositiveNumber, parseShare, parseUsd } from './parse-flags.ts';

/** Library parsers throw InputError; commander wants InvalidArgumentError to name the flag. */
function wrapInputParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

/** --shard i/n: commander shows our InputError's message as the flag's error. */
function parseShardFlag(value: string) {
  try {
    return parseShard(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');
const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : s + '\n');

/** The flags that change the plan, shared by `run` and `estimate`. */
function addPlanOptions(cmd: Command): Command {
  return cmd
    .option('--models <list>', 'models instead of the suite\'s, comma-separated provider:model (e.g. sim:fast,vigthoria:v2-code)', parseList)
    .option('--efforts <list>', 'reasoning efforts instead of the suite\'s: none,low,medium,high', parseEfforts)
    .option('--repeats <n>', 'times to run each case', parsePositiveInt)
    .option('--filter <list>', 'only cases with these ids or tags, comma-separated', parseList);
}

/** The gate flags, shared by `run` and `report`. Rates are fractions (0.9 = 90%). */
function addGateOptions(cmd: Command): Command {
  return cmd
    .option('--min-pass-rate <x>', 'gate: lowest acceptable pass rate, 0..1', parseShare)
    .option('--max-error-rate <x>', 'gate: highest acceptable share of failed requests, 0..1', parseShare)
    .option('--max-p95-ttft-ms <ms>', 'gate: highest acceptable p95 time to first token', parsePositiveNumber)
    .option('--max-p95-latency-ms <ms>', 'gate: highest acceptable p95 latency', parsePositiveNumber)
    .option('--per-config', 'gates apply to every model x effort, not only the run as a whole');
}

function gateFlags(o: Record<string, unknown>): Partial<GateConfig> {
  return {
    min_pass_rate: o.minPassRate as number | undefined,
    max_error_rate: o.maxErrorRate as number | undefined,
    max_p95_ttft_ms: o.maxP95TtftMs as number | undefined,
    max_p95_latency_ms: o.maxP95LatencyMs as number | undefined,
    max_cost_usd: o.maxCost as number | undefined,
    per_config: o.perConfig ? true : undefined,
  };
}

/** In GitHub Actions, the run's summary.md goes on the job's summary page too. */
function appendStepSummary(summaryMd: string): void {
  const target = process.env.GITHUB_STEP_SUMMARY;
  if (!target) return;
  try {
    fs.appendFileSync(target, fs.readFileSync(summaryMd, 'utf8') + '\n');
  } catch (e) {
    err(`warning: could not append to $GITHUB_STEP_SUMMARY: ${(e as Error).message}`);
  }
}

/** Exit code of a finished run: 3 when it was interrupted or no request succeeded. */
export function runExitCode(outcome: RunOutcome): number {
  if (outcome.counts.interrupted) return EXIT.runIncomplete;
  if (outcome.counts.rows > 0 && outcome.counts.ok === 0) return EXIT.runIncomplete;
  return EXIT.ok;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('evalbench')
    .description('Benchmark and evaluate OpenAI-compatible chat-completions APIs: latency, TTFT, tokens, quality and cost.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .exitOverride();

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
    .option('--shard <i/n>', 'run only shard i of n (1-based): a deterministic, balanced slice of the jobs; join shards with `evalbench merge`', parseShardFlag)
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
          overrides: { models: o.models, efforts: o.efforts, repeats: o.repeats, timeoutMs: o.timeout, filter: o.filter },
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

  addPlanOptions(program
    .command('estimate'))
    .description('Estimate tokens and cost of a suite before spending anything: sends no request.')
    .argument('<suite>', 'suite YAML file')
    .option('--from <dir>', 'an earlier run folder: use its observed output tokens (mean, p95) per case x model x effort')
    .option('--max-cost <usd>', 'exit 1 when the expected cost is above this', parseUsd)
    .option('--prices <file>', 'price file (YAML) that overrides the shipped prices.yaml')
    .addHelpText('after', `
Prompt tokens are counted with the o200k_base tokenizer (messages, system prompt, images by the
documented rule). Output tokens come from --from (low = min, expected = mean, high = p95 observed),
else from max_completion_tokens (low 0, expected = high = the cap).`)
    .action(async (file: string, o) => {
      const estimate = await estimateSuite(file, {
        overrides: { models: o.models, efforts: o.efforts, repeats: o.repeats, filter: o.filter },
        from: o.from,
        pricesFile: o.prices,
      });
      out(renderEstimateText(estimate));
      if (o.maxCost !== undefined && estimateOverBudget(estimate, o.maxCost)) {
        err(`estimate above --max-cost ${formatUsd(o.maxCost)}`);
        setExit(EXIT.gateFailed);
      }
    });

  addGateOptions(program
    .command('report'))
    .description('Rebuild a run folder\'s reports (results.csv, summary.json, summary.md, junit.xml, report.html) from its results.jsonl, and check gates.')
    .argument('<dir>', 'run folder (or a merged one)')
    .option('--max-cost <usd>', 'gate: highest acceptable total cost', parseUsd)
    .option('--suite <file>', 'take the gates: block from this suite file')
    .action(async (dir: string, o) => {
      const { summary } = await rebuildReports(dir);
      const html = await writeHtmlReport(dir, { summary, quality: summary.quality });
      out(renderSummaryTable(summary));
      out(`report: ${html}`);
      const suiteGates = o.suite ? (await loadSuite(o.suite)).gates : undefined;
      const gates = resolveGates(suiteGates, gateFlags(o));
      let md = '';
      if (gates) {
        const results = evaluateGates(summary, gates);
        out('\n' + renderGatesTable(results));
        md = '\n' + renderGatesTable(results, 'markdown');
        fs.appendFileSync(path.join(dir, REPORT_FILES.summaryMd), md);
        if (!gatesPassed(results)) setExit(EXIT.gateFailed);
      }
      appendStepSummary(path.join(dir, REPORT_FILES.summaryMd));
    });

  program
    .command('merge')
    .description('Join the result folders of shards (run --shard i/n) into one folder with one summary.')
    .argument('<dirs...>', 'shard result folders')
    .requiredOption('--out <dir>', 'folder for the merged results')
    .action(async (dirs: string[], o) => {
      const merged = await mergeRunDirs(dirs, o.out);
      for (const d of merged.duplicates) err(`warning: job ${d.job_id} appears in more than one shard; kept one row`);
      await writeHtmlReport(o.out, { summary: merged.summary, quality: merged.summary.quality });
      out(renderSummaryTable(merged.summary));
      out(`merged ${merged.rows} rows from ${dirs.length} folders into ${o.out}`);
    });

  program
    .command('compare')
    .description('Compare two runs: pass rates (paired McNemar test), p50/p95 TTFT and latency ratios, tokens, cost, new failures.')
    .argument('<base>', 'baseline run folder')
    .argument('<new>', 'new run folder')
    .option('--fail-on-regression', 'exit 1 on a significant quality drop or a p95 latency/TTFT ratio above --latency-tolerance')
    .option('--latency-tolerance <ratio>', 'largest acceptable p95 ratio new/base', parsePositiveNumber, 1.2)
    .option('--markdown', 'print Markdown instead of plain text')
    .action(async (base: string, next: string, o) => {
      const c = await compareRuns(base, next, { latencyTolerance: o.latencyTolerance });
      out(o.markdown ? renderComparisonMarkdown(c) : renderComparisonText(c));
      if (o.failOnRegression && c.regressed) setExit(EXIT.gateFailed);
    });

  program
    .command('validate')
    .description('Check suite files without sending anything: YAML, schema, case ids, models, placeholders.')
    .argument('<suites...>', 'suite YAML files')
    .action(async (files: string[]) => {
      let failed = 0;
      for (const file of files) {
        try {
          const suite = await loadSuite(file);
          const jobs = planJobs(suite);
          out(`ok: ${file} (${suite.cases.length} cases, ${jobs.length} jobs)`);
        } catch (e) {
          if (!(e instanceof EvalbenchError)) throw e;
          failed += 1;
          err(e.message);
        }
      }
      if (failed > 0) setExit(EXIT.badInput);
    });

  program
    .command('sim')
    .description('Start the simulator as a standalone OpenAI-compatible server on 127.0.0.1 (Ctrl-C stops it).')
    .option('--port <n>', 'port (0 = any free port)', parseNonNegativeInt, 8787)
    .option('--seed <n>', 'seed for delays and answers', parseNonNegativeInt, 42)
    .option('--ttft-ms <ms>', 'fixed time to first token for every model', parseNonNegativeInt)
    .option('--itl-ms <ms>', 'fixed inter-token delay for every model', parseNonNegativeInt)
    .option('--error-rate <p>', 'share of requests answered with HTTP 500/503', parseShare)
    .option('--rate-limit-rate <p>', 'share of requests answered with HTTP 429 + Retry-After', parseShare)
    .option('--retry-after <s>', 'Retry-After seconds on simulated 429s', parseNonNegativeInt)
    .option('--reset-rate <p>', 'share of streams whose connection is reset mid-stream', parseShare)
    .option('--stall-rate <p>', 'share of streams that pause mid-stream', parseShare)
    .option('--stall-ms <ms>', 'length of a stall', parseNonNegativeInt)
    .addHelpText('after', `
Models: fast, slow, reasoner (reasoning tokens grow with reasoning_effort), flaky, instant.
Per-request test headers: x-sim-ttft-ms, x-sim-itl-ms, x-sim-fault (429, 500, 502-html,
reset-mid-stream, stall, error-event, no-done, malformed-json, gzip, ...). It is a simulator,
not a language model: answers come from a small deterministic task engine.`)
    .action(async (o) => {
      const faults = Object.fromEntries(Object.entries({
        errorRate: o.errorRate, rateLimitRate: o.rateLimitRate, retryAfterSeconds: o.retryAfter,
        resetRate: o.resetRate, stallRate: o.stallRate, stallMs: o.stallMs,
      }).filter(([, v]) => v !== undefined));
      const sim = await startSimulator({ port: o.port, seed: o.seed, fixedTtftMs: o.ttftMs, fixedItlMs: o.itlMs, faults });
      out(`simulator listening on ${sim.url} (POST /chat/completions, GET /models)`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sim.close();
    });

  program
    .command('schema')
    .description('Print the JSON Schema of the suite format (for editor autocompletion).')
    .action(() => {
      out(JSON.stringify(suiteJsonSchema(), null, 2));
    });

  return program;
}

/** The CLI entry point: the only place that formats errors for the console and exits. */
export async function main(argv: string[]): Promise<void> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      process.exitCode = EXIT.badInput;
      return;
    }
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; every real flag problem is bad input.
      code = e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    } else if (e instanceof EvalbenchError) {
      err(`error: ${e.message}`);
      code = e.exitCode;
    } else {
      err(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      code = EXIT.runIncomplete;
    }
  }
  process.exitCode = code;
}
