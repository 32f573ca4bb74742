import { evaluateGates, renderGatesTable, withBudgetVerdicts, type BudgetUse, type GateConfig, type GateResult } from '../gates.ts';
import type { Summary } from '../summary.ts';
import type { Reporter } from './reporter.ts';

export interface GatesReporterOptions {
  /** Thresholds (suite `gates:` with flags over it); null when none is set. */
  config: GateConfig | null;
  /** What each budget allowed and used (a run's --max-cost/--max-tokens/--max-requests); read at the end. */
  budgets?: () => BudgetUse[];
  /** A shard sees part of the jobs: its gates are not checked (budgets still are). */
  shard?: boolean;
  warn?: (message: string) => void;
}

/** Gate verdicts; `results` is read once the folder is finished (empty when nothing is gated). */
export interface GatesReporter extends Reporter {
  readonly results: GateResult[];
}

/** The gate table, in summary.md under the summary tables; the verdicts decide the exit code. */
export function gatesReporter(options: GatesReporterOptions): GatesReporter {
  let results: GateResult[] | undefined;
  const verdicts = (summary: Summary): GateResult[] => {
    if (results) return results;
    let gates: GateResult[] = [];
    if (options.config && options.shard) options.warn?.('gates are not checked on a shard (it sees part of the jobs): check them after `evalbench merge`');
    else if (options.config) gates = evaluateGates(summary, options.config);
    results = withBudgetVerdicts(gates, options.budgets?.() ?? [], summary.overall.skipped_by_type?.budget ?? 0);
    return results;
  };
  return {
    summarySection: (summary) => {
      const r = verdicts(summary);
      return r.length > 0 ? renderGatesTable(r, 'markdown') : undefined;
    },
    get results() {
      return results ?? [];
    },
  };
}
