import type { Command } from 'commander';
import type { SetExit } from './console.ts';

/** Adds one command group (its commands, flags and action) to the program. */
export type Register = (program: Command, setExit: SetExit) => void;

/**
 * Every command with its one-line description, and the module that implements it. A command's
 * module (and everything it imports: the run engine, reports, the simulator) is loaded only when
 * that command runs, so `evalbench --help` and `evalbench validate` start fast.
 */
export interface CommandEntry {
  name: string;
  description: string;
  load: () => Promise<Register>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    description: 'Run a suite: every case x model x reasoning effort x repeat, measured and written to a results folder.',
    load: async () => (await import('./commands/run.ts')).registerRun,
  },
  {
    name: 'estimate',
    description: 'Estimate tokens and cost of a suite before spending anything: sends no request.',
    load: async () => (await import('./commands/estimate.ts')).registerEstimate,
  },
  {
    name: 'validate',
    description: 'Check suite files without sending anything: YAML, schema, case ids, models, placeholders.',
    load: async () => (await import('./commands/suite-tools.ts')).registerSuiteTools,
  },
  {
    name: 'schema',
    description: 'Print the JSON Schema of the suite format (for editor autocompletion).',
    load: async () => (await import('./commands/suite-tools.ts')).registerSuiteTools,
  },
  {
    name: 'report',
    description: 'Rebuild a run folder\'s reports (results.csv, summary.json, summary.md, junit.xml, report.html) from its results.jsonl, and check gates.',
    load: async () => (await import('./commands/run-folders.ts')).registerRunFolderCommands,
  },
  {
    name: 'merge',
    description: 'Join the result folders of shards (run --shard i/n) into one folder with one summary.',
    load: async () => (await import('./commands/run-folders.ts')).registerRunFolderCommands,
  },
  {
    name: 'compare',
    description: 'Compare two runs: pass rates (paired McNemar test), p50/p95 TTFT and latency ratios, tokens, cost, new failures.',
    load: async () => (await import('./commands/run-folders.ts')).registerRunFolderCommands,
  },
  {
    name: 'init',
    description: 'Write a starter suite (evalbench.yaml), its JSON Schema and .github/workflows/evalbench.yml; asks a few questions in a terminal.',
    load: async () => (await import('./commands/init.ts')).registerInit,
  },
  {
    name: 'sim',
    description: 'Start the simulator as a standalone OpenAI-compatible server on 127.0.0.1 (Ctrl-C stops it).',
    load: async () => (await import('./commands/sim.ts')).registerSim,
  },
];

/** The command a command line asks for (`evalbench help run` asks for run's help), if any. */
export function requestedCommand(args: readonly string[]): CommandEntry | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}
