import type { ResultRow } from '../results/result-row.ts';
import { redactStrings } from '../providers/redact.ts';
import type { StreamedJob } from './job-stream.ts';
import type { RunEvent, RunJobsResult } from './run-options.ts';

const toEpoch = (t: number) => Math.round((performance.timeOrigin + t) * 1000) / 1000;

export interface TallyOptions {
  onRow: (row: ResultRow) => void;
  onEvent?: (event: RunEvent) => void;
  /** Every provider's key and credential headers, longest first: no row leaves the engine holding one. */
  secrets: string[];
  open: boolean;
  cycling: boolean;
}

/** Where every row of a run passes before it is written or shown: redacted once, labelled, counted. */
export class RowTally {
  constructor(
    private readonly opts: TallyOptions,
    private readonly result: RunJobsResult,
  ) {}

  emit(s: StreamedJob, built: ResultRow, scheduledAt: number): void {
    const row = redactStrings(built, this.opts.secrets);
    if (s.warmup) row.warmup = true;
    if (s.warmup || this.opts.cycling) row.pass = s.pass;
    if (this.opts.open) row.scheduled_epoch_ms = toEpoch(scheduledAt);
    this.opts.onRow(row);
    this.count(row);
    this.opts.onEvent?.({ type: 'job-end', job: s.job, row });
  }

  private count(row: ResultRow): void {
    const r = this.result;
    r.rows += 1;
    if (row.warmup) r.warmup += 1;
    else if (row.error_type === 'incomplete') r.incomplete += 1;
    else if (row.status === 'ok') r.ok += 1;
    else if (row.status === 'error') r.errors += 1;
    else r.skipped += 1;
  }
}
