// Child process for jsonl-sink-kill.test.ts: `node --import tsx jsonl-sink-child.ts <file> <mode>`.
// mode "stream": a row every 5 ms, its index printed right after write() returns (the job ended).
// mode "exit": one row, then process.exit at once (no turn ends in between).
// mode "term": one row a turn until SIGTERM (the sink's own handler must not keep the process alive).
import { JsonlSink } from '../../src/results/jsonl-sink.ts';
import { makeRow } from './make-row.ts';

const [file, mode] = process.argv.slice(2);
const sink = JsonlSink.open(file);
let i = 0;
const one = () => {
  sink.write(makeRow({ job_id: `r${i}` }));
  process.stdout.write(`${i}\n`);
  i++;
};
if (mode === 'exit') {
  one();
  process.exit(0);
} else {
  setInterval(one, mode === 'term' ? 1 : 5);
}
