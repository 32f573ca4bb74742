import path from 'node:path';
import type { Command, OptionValues } from 'commander';
import { z } from 'zod';
import { EXIT } from '../../errors/index.ts';
import { loadSuite } from '../../suite/index.ts';
import {
  assertComparable, compareRuns, gatesPassed, gatesReporter, mergeRunDirs, mergeSummaryDirs, rebuildReports, renderComparisonMarkdown, renderComparisonText,
  renderGatesTable, renderSummaryTable, resolveGates, REPORT_FILES,
} from '../../report/index.ts';
import { appendStepSummary, err, out, type SetExit } from '../console.ts';
import { addGateOptions, GATE_FLAGS, gateFlags } from '../flag-groups.ts';
import { parsePositiveNumber, parseUsd } from '../parse-flags.ts';
import { optionalBoolean, optionalString, readOptions } from '../typed-options.ts';

export const REPORT_FLAGS = z.strictObject({ ...GATE_FLAGS, suite: optionalString });
export const MERGE_FLAGS = z.strictObject({ out: z.string(), allowPartial: optionalBoolean, summariesOnly: optionalBoolean });
export const COMPARE_FLAGS = z.strictObject({ failOnRegression: optionalBoolean, latencyTolerance: z.number(), markdown: optionalBoolean });

/** Commands that read run folders: `report` (rebuild + gates), `merge` (shards), `compare` (baseline). */
export function registerRunFolderCommands(program: Command, setExit: SetExit): void {
  addGateOptions(program
    .command('report'))
    .argument('<dir>', 'run folder (or a merged one)')
    .option('--max-cost <usd>', 'gate: highest acceptable total cost', parseUsd)
    .option('--suite <file>', 'take the gates: block from this suite file')
    .action(async (dir: string, values: OptionValues) => {
      const o = readOptions('report', REPORT_FLAGS, values);
      // Bad gates or a bad suite stop the command before any file is rewritten.
      const suiteGates = o.suite ? (await loadSuite(o.suite)).gates : undefined;
      const config = resolveGates(suiteGates, gateFlags(o));
      const gates = gatesReporter({ config });
      const { summary } = await rebuildReports(dir, {}, { reporters: [gates] });
      out(renderSummaryTable(summary));
      out(`report: ${path.join(dir, REPORT_FILES.html)}`);
      if (config) {
        out('\n' + renderGatesTable(gates.results));
        if (!gatesPassed(gates.results)) setExit(EXIT.gateFailed);
      }
      appendStepSummary(path.join(dir, REPORT_FILES.summaryMd));
    });

  program
    .command('merge')
    .argument('<dirs...>', 'shard result folders')
    .requiredOption('--out <dir>', 'folder for the merged results')
    .option('--allow-partial', 'merge an incomplete set of shards (exit 0; the summary says which are missing) instead of exiting 1')
    .option('--summaries-only', 'combine the shards\' summary.json and sketches.json without reading their rows: counts, cost and window exact, percentiles within 1% (DDSketch); writes summary.json and summary.md')
    .action(async (dirs: string[], values: OptionValues) => {
      const o = readOptions('merge', MERGE_FLAGS, values);
      if (o.summariesOnly) {
        const summary = await mergeSummaryDirs(dirs, o.out, { allowPartial: o.allowPartial });
        out(renderSummaryTable(summary));
        out(`merged the summaries of ${dirs.length} folders${summary.shards ? ` (${summary.shards.merged} of ${summary.shards.of} shards)` : ''} into ${o.out}`);
        return;
      }
      const merged = await mergeRunDirs(dirs, o.out, { allowPartial: o.allowPartial });
      for (const d of merged.duplicates) err(`warning: job ${d.job_id} appears in more than one shard; kept one row`);
      const set = merged.shards;
      if (!set) err('warning: these folders have no run.json (older evalbench): plan and completeness not checked');
      else if (set.missing.length > 0) err(`warning: merged ${set.merged} of ${set.of} shards; missing ${set.missing.map((i) => `${i}/${set.of}`).join(', ')}`);
      out(renderSummaryTable(merged.summary));
      out(`merged ${merged.rows} rows from ${dirs.length} folders${set ? ` (${set.merged} of ${set.of} shards)` : ''} into ${o.out}`);
    });

  program
    .command('compare')
    .argument('<base>', 'baseline run folder')
    .argument('<new>', 'new run folder')
    .option('--fail-on-regression', 'exit 1 on a significant quality drop or a p95 latency/TTFT ratio above --latency-tolerance')
    .option('--latency-tolerance <ratio>', 'largest acceptable p95 ratio new/base', parsePositiveNumber, 1.2)
    .option('--markdown', 'print Markdown instead of plain text')
    .action(async (base: string, next: string, values: OptionValues) => {
      const o = readOptions('compare', COMPARE_FLAGS, values);
      const c = await compareRuns(base, next, { latencyTolerance: o.latencyTolerance });
      assertComparable(c); // nothing in common: exit 2 with why, never "no regression"
      out(o.markdown ? renderComparisonMarkdown(c) : renderComparisonText(c));
      if (o.failOnRegression && c.regressed) setExit(EXIT.gateFailed);
    });
}
