import { JsonlSink } from '../../results/jsonl-sink.ts';
import type { Reporter } from './reporter.ts';

/**
 * results.jsonl: each row of this run as its job ends. Opened at onPlan (after --resume has read
 * the file and counted a torn tail); `append` continues a resumed folder. Kept rows are already there.
 */
export function jsonlReporter(path: string, options: { append?: boolean } = {}): Reporter {
  let sink: JsonlSink | undefined;
  return {
    onPlan: () => {
      sink = JsonlSink.open(path, { append: options.append });
    },
    onRow: (row, origin) => {
      if (origin !== 'run') return;
      // A row before onPlan would be lost without a trace: that is a bug in the caller.
      if (!sink) throw new Error(`jsonlReporter: a row before onPlan (${path})`);
      sink.write(row);
    },
    onRunEnd: () => {
      sink?.close();
      sink = undefined;
    },
  };
}
