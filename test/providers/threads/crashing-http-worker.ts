// A broken HTTP worker for threaded-client tests: `crash` throws on the first request, `garbage`
// answers every request with a message that is not an attempt result.
import { parentPort, workerData } from 'node:worker_threads';

const mode = (workerData as { mode?: string }).mode ?? process.env.EVALBENCH_TEST_WORKER_MODE;
parentPort!.on('message', (m: { t: string; id: number }) => {
  if (m.t !== 'send') return;
  if (mode === 'garbage') parentPort!.postMessage({ t: 'result', id: m.id, result: { ok: true } });
  else throw new Error('boom in the worker');
});
