import { parentPort, workerData } from 'node:worker_threads';
import { sendChatCompletion } from './openai-client.ts';
import { warmClientPath } from './client-warm-up.ts';
import { warmConnections } from './http-transport.ts';
import { mainThreadClock } from './thread-clock.ts';
import type { FromHttpWorker, HttpWorkerData, ToHttpWorker } from './thread-protocol.ts';

// One HTTP worker thread (threaded-client.ts): its own connection pool, its own event loop reading
// its sockets, its stamps on the main thread's clock axis.
const port = parentPort!;
const now = mainThreadClock((workerData as HttpWorkerData).mainOffsetMs);
const inFlight = new Map<number, AbortController>();
/** Attempts still waiting for their `notBefore`: cancelling the hold means they are not sent. */
const holds = new Map<number, AbortController>();
const reply = (m: FromHttpWorker) => port.postMessage(m);

port.on('message', (m: ToHttpWorker) => {
  if (m.t === 'abort') inFlight.get(m.id)?.abort(new Error(m.reason));
  else if (m.t === 'cancel-hold') holds.get(m.id)?.abort(new Error(m.reason));
  else if (m.t === 'send') void send(m);
  else if (m.t === 'warm') void warm(m);
});

async function send(m: Extract<ToHttpWorker, { t: 'send' }>): Promise<void> {
  const controller = new AbortController();
  inFlight.set(m.id, controller);
  const hold = m.req.notBefore !== undefined ? new AbortController() : undefined;
  if (hold) holds.set(m.id, hold);
  try {
    const result = await sendChatCompletion({ ...m.req, signal: controller.signal, cancelHold: hold?.signal }, { now, allowInsecureHttp: m.allowInsecureHttp });
    reply({ t: 'result', id: m.id, result });
  } finally {
    inFlight.delete(m.id);
    holds.delete(m.id);
  }
}

async function warm(m: Extract<ToHttpWorker, { t: 'warm' }>): Promise<void> {
  try {
    await warmClientPath(undefined, m.requests);
    await Promise.all(m.targets.map((t) => warmConnections(t.url, t.headers, t.connections)));
  } finally {
    reply({ t: 'warmed', id: m.id });
  }
}
