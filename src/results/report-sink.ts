import type { ResultRow } from './result-row.ts';

/** Something that takes result rows as jobs end (results.jsonl, the summary builder, ...). */
export interface ReportSink {
  write(row: ResultRow): void | Promise<void>;
  close(): void | Promise<void>;
}

/**
 * One sink that forwards every row to several, in order. Synchronous sinks stay synchronous:
 * a promise is returned only when one of the sinks returns one.
 */
export function fanOut(sinks: readonly ReportSink[]): ReportSink {
  const each = (call: (s: ReportSink) => void | Promise<void>): void | Promise<void> => {
    let pending: Promise<void>[] | null = null;
    for (const s of sinks) {
      const r = call(s);
      if (r) (pending ??= []).push(r);
    }
    if (pending) return Promise.all(pending).then(() => undefined);
  };
  return {
    write: (row) => each((s) => s.write(row)),
    close: () => each((s) => s.close()),
  };
}
