import type { ResultRow } from '../../results/result-row.ts';
import type { Suite } from '../../suite/index.ts';
import type { Summary } from '../summary.ts';

/** Where a row comes from: sent by this run, or kept from the folder by --resume (already in results.jsonl). */
export type RowOrigin = 'run' | 'kept';

/** What a reporter learns before the first request. */
export interface RunPlanInfo {
  suite: Suite;
  /** Jobs this run will send (after --resume and --shard). */
  total: number;
  outDir: string;
}

/**
 * One output of a run, after vitest's reporter interface: the session calls the hooks of every
 * reporter in its list, in list order. All hooks are optional. `Progress` is the engine's event
 * type (run/RunEvent); it is a parameter so this layer need not import the engine.
 */
export interface Reporter<Progress = unknown> {
  /** The plan is known and the folder claimed; nothing is sent yet. */
  onPlan?(plan: RunPlanInfo): void;
  /** A row as its job ends (origin 'run'), or a row --resume keeps (origin 'kept', before onPlan). */
  onRow?(row: ResultRow, origin: RowOrigin): void;
  /** Engine events (job start/end, retries) for live displays. */
  onProgress?(event: Progress): void;
  /** No more rows will come (also when the run failed): release what onRow held open. */
  onRunEnd?(): void;
  /**
   * Markdown this reporter adds to summary.md under the summary tables (gate table, failure
   * digest), in list order. Asked of every reporter before any onFinished.
   */
  summarySection?(summary: Summary): string | undefined;
  /** Every row is in `dir`/results.jsonl and the summary is final: write files, decide verdicts. */
  onFinished?(summary: Summary, dir: string, finished: FinishedFolder): void | Promise<void>;
}

/** What finishing a folder hands every onFinished besides the summary. */
export interface FinishedFolder {
  /** The summarySection answers, in list order (written into summary.md by the summary reporter). */
  markdownSections: readonly string[];
}
