import { loadTokenizer } from '../../measure/tokenizer.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { handleChat } from './chat-handler.ts';
import { ERR } from './error-bodies.ts';
import { readBody, sendJson } from './http-io.ts';
import { SimState, type SimulatorOptions, type SimulatorStats } from './sim-state.ts';

export type { SimulatorOptions, SimulatorStats } from './sim-state.ts';

export interface RunningSimulator {
  /** Base URL up to /v1, e.g. http://127.0.0.1:40123/v1 */
  url: string;
  port: number;
  /** Model names served. */
  models: string[];
  close(): Promise<void>;
  stats(): SimulatorStats;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Start the simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  // Load the tokenizer now, not inside the first request (it blocks ~200 ms, more on a busy machine).
  loadTokenizer();
  const state = new SimState(options);
  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => route(state, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/v1`,
    port: address.port,
    models: [...state.models.keys()],
    stats: () => ({ ...state.stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // also ends held (stalled) streams
      }),
  };
}

/** Dispatch one HTTP request: chat completions, the model list, timings, health. */
function route(state: SimState, req: IncomingMessage, res: ServerResponse): void {
  const t0 = performance.now();
  const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
  if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
    state.track(res);
    readBody(req, res, MAX_BODY_BYTES, (raw) => {
      if (raw === null) return sendJson(res, 413, ERR.tooLarge());
      handleChat(state, req, res, t0, raw);
    });
    return;
  }
  const created = state.created;
  if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
    return sendJson(res, 200, {
      object: 'list',
      data: [...state.models.keys()].map((m) => ({ id: m, object: 'model', created, owned_by: 'evalbench-sim' })),
    });
  }
  const one = /^\/(?:v1\/)?models\/(.+)$/.exec(path);
  if (req.method === 'GET' && one) {
    const name = decodeURIComponent(one[1]);
    if (!state.lookupModel(name)) return sendJson(res, 404, ERR.modelNotFound(name));
    return sendJson(res, 200, { id: name, object: 'model', created, owned_by: 'evalbench-sim' });
  }
  if (req.method === 'GET' && path === '/sim/timings') return sendJson(res, 200, state.timings.drain());
  if (req.method === 'GET' && (path === '' || path === '/health')) return sendJson(res, 200, { status: 'ok', simulator: true });
  return sendJson(res, 404, ERR.notFound(`${req.method} ${req.url}`));
}
