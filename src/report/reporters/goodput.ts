import { GoodputCounter, type GoodputResult, type Slo } from '../../measure/goodput.ts';
import type { Reporter } from './reporter.ts';

/** Goodput against the --slo objectives; the session puts `result` into the summary before it is written. */
export interface GoodputReporter extends Reporter {
  /** `windowMs`: the summary's measured window, so goodput and throughput share one denominator. */
  result(windowMs: number | null): GoodputResult;
}

/** Counts this run's measured rows (warm-up and rows kept by --resume left out). */
export function goodputReporter(slo: Slo): GoodputReporter {
  const counter = new GoodputCounter(slo);
  return {
    onRow: (row, origin) => {
      if (origin === 'run' && !row.warmup) counter.add(row);
    },
    result: (windowMs) => counter.result(windowMs),
  };
}
