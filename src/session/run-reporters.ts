import {
  baselineReporter, failureDigestReporter, folderFileReporters, gatesReporter, goodputReporter, jsonlReporter,
  type BaselineReporter, type BudgetUse, type FailureDigestReporter, type GateConfig, type GatesReporter, type GoodputReporter, type Reporter,
} from '../report/index.ts';
import type { Slo } from '../measure/goodput.ts';
import type { RunEvent } from '../run/run-jobs.ts';

/** A reporter of a run: its onProgress gets the engine's events (the CLI's progress display is one). */
export type RunReporter = Reporter<RunEvent>;

export interface RunReporterOptions {
  jsonlPath: string;
  /** --resume: results.jsonl is continued, not replaced. */
  append: boolean;
  slo?: Slo;
  gates: GateConfig | null;
  budgets: () => BudgetUse[];
  shard: boolean;
  showFailures?: number;
  baseline?: string;
  latencyTolerance?: number;
  warn: (message: string) => void;
  /** The caller's own reporters (RunOptions.reporters), called after the built-in ones. */
  extra?: readonly RunReporter[];
}

/** The run's reporters, with the ones whose verdicts go into RunOutcome named. */
export interface RunReporters {
  /** Every reporter, in the order their hooks are called. */
  all: RunReporter[];
  goodput: GoodputReporter | undefined;
  gates: GatesReporter;
  digest: FailureDigestReporter;
  baseline: BaselineReporter | undefined;
}

/**
 * The one list of a run's reporters. Order matters twice: summary.md's sections come in list
 * order (gates, then the failure digest), and the baseline comparison reads the files the
 * folder reporters before it wrote.
 */
export function runReporters(o: RunReporterOptions): RunReporters {
  const goodput = o.slo ? goodputReporter(o.slo) : undefined;
  const gates = gatesReporter({ config: o.gates, budgets: o.budgets, shard: o.shard, warn: o.warn });
  const digest = failureDigestReporter({ showFailures: o.showFailures });
  const baseline = o.baseline ? baselineReporter(o.baseline, { latencyTolerance: o.latencyTolerance }) : undefined;
  const all: RunReporter[] = [
    jsonlReporter(o.jsonlPath, { append: o.append }),
    ...(goodput ? [goodput] : []),
    gates,
    digest,
    ...folderFileReporters(),
    ...(baseline ? [baseline] : []),
    ...(o.extra ?? []),
  ];
  return { all, goodput, gates, digest, baseline };
}
