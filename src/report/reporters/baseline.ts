import { compareRuns, type Comparison } from '../compare/index.ts';
import type { Reporter } from './reporter.ts';

/** The run against an earlier run folder; `comparison` is read once the folder is finished. */
export interface BaselineReporter extends Reporter {
  readonly comparison: Comparison | undefined;
}

/** Reads the finished folder's files: list it after the reporters that write them. */
export function baselineReporter(baseline: string, options: { latencyTolerance?: number }): BaselineReporter {
  let comparison: Comparison | undefined;
  return {
    onFinished: async (_summary, dir) => {
      comparison = await compareRuns(baseline, dir, { latencyTolerance: options.latencyTolerance });
    },
    get comparison() {
      return comparison;
    },
  };
}
