import { loadTokenizer } from '../../measure/tokenizer.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { constants as zlibConstants, createGzip, gzipSync } from 'node:zlib';
import { ERR, HTML_502, errorBody } from './error-bodies.ts';
import {
  FailTimesRegistry, STATUS_FAULTS, drawRandomFault, mergeFaultRates, parseFaultHeader,
  type FaultKind, type FaultRates,
} from './faults.ts';
import { resolveModels, type SimModel, type SimModelOverride } from './models.ts';
import { PromptCache } from './prompt-cache.ts';
import { parseChatRequest, type SimRequest } from './request-parse.ts';
import { planResponse, promptKey, taskPrompt, type ResponsePlan } from './response-plan.ts';
import { playSchedule, type Sink, type Step } from './schedule.ts';
import { SeededRandom } from './seeded-random.ts';
import { ChunkEncoder, SSE_DONE, errorEvent } from './sse-chunks.ts';
import { TimingLog } from './timing-log.ts';

export interface SimulatorOptions {
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (never listens beyond loopback unless told to). */
  host?: string;
  /** Seeds every random choice (answers, delays, faults). Default 42. */
  seed?: number;
  /** Override built-in models field by field, or add new ones (based on `fast`). */
  models?: Record<string, SimModelOverride>;
  /** Global random faults, laid over every model's own. */
  faults?: Partial<FaultRates>;
  /** Exact TTFT for every request (no distribution, no prefill): for precision tests and benchmarks. */
  fixedTtftMs?: number;
  /** Exact inter-token delay for every request. */
  fixedItlMs?: number;
}

export interface SimulatorStats {
  /** Chat-completion requests received. */
  requests: number;
  inFlight: number;
  maxInFlight: number;
}

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
/** Token event after which mid-stream faults strike (the 3rd token, or the last if fewer). */
const FAULT_AFTER_EVENT = 2;
const MAX_COUNTER_KEYS = 200_000;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function numberHeader(req: IncomingMessage, name: string): number | undefined {
  const v = header(req, name);
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/** Start the simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  // Load the tokenizer now, not inside the first request (it blocks ~200 ms, more on a busy machine).
  loadTokenizer();
  const seed = options.seed ?? 42;
  const models = resolveModels(options.models);
  const promptCache = new PromptCache();
  const failTimes = new FailTimesRegistry();
  const occurrences = new Map<string, number>();
  const stats: SimulatorStats = { requests: 0, inFlight: 0, maxInFlight: 0 };
  const timings = new TimingLog();
  const created = Math.floor(Date.now() / 1000);
  let idCounter = 0;

  const lookupModel = (name: string): [string, SimModel] | undefined => {
    const bare = name.startsWith('sim:') ? name.slice(4) : name;
    const m = models.get(bare);
    return m ? [bare, m] : undefined;
  };

  const nextOccurrence = (key: string): number => {
    const n = occurrences.get(key) ?? 0;
    if (occurrences.size >= MAX_COUNTER_KEYS && n === 0) occurrences.clear();
    occurrences.set(key, n + 1);
    return n;
  };

  const handleChat = (req: IncomingMessage, res: ServerResponse, t0: number, raw: string): void => {
    const parsed = parseChatRequest(raw);
    if (!parsed.ok) return sendJson(res, parsed.status, parsed.body);
    const request = parsed.request;
    const found = lookupModel(request.model);
    if (!found) return sendJson(res, 404, ERR.modelNotFound(request.model));
    const [modelName, model] = found;

    const { faults: asked, unknown } = parseFaultHeader(header(req, 'x-sim-fault'));
    if (unknown.length > 0) {
      return sendJson(res, 400, errorBody(`Unknown x-sim-fault value(s): ${unknown.join(', ')}.`, 'invalid_request_error', 'invalid_value', 'x-sim-fault'));
    }
    const sample = header(req, 'x-sim-sample') ?? '';
    const pkey = promptKey(request);
    const contentKey = `${modelName}|${request.effort ?? ''}|${pkey}|${sample}|${request.seed ?? ''}|${request.maxTokens ?? ''}`;
    const occurrence = nextOccurrence(contentKey);

    // x-sim-fail-times: the asked faults (default 500) hit only the first N requests with the key.
    let faults = asked;
    const failTimesN = numberHeader(req, 'x-sim-fail-times');
    if (failTimesN !== undefined) {
      const key = header(req, 'x-sim-request-key') ?? `${modelName}|${pkey}|${sample}`;
      const fail = failTimes.shouldFail(key, Math.floor(failTimesN));
      faults = fail ? (asked.size > 0 ? asked : new Set<FaultKind>(['500'])) : new Set<FaultKind>();
    }

    // Random faults of the model (and global knobs), one seeded draw per request.
    const rates = mergeFaultRates(model.faults, options.faults);
    const faultRng = new SeededRandom(seed, 'fault', contentKey, occurrence);
    const randomFault = drawRandomFault(rates, faultRng);
    const retryAfter = Math.max(0, numberHeader(req, 'x-sim-retry-after') ?? rates.retryAfterSeconds);
    let pauseMs: number | undefined;
    if (faults.has('pause-mid-stream')) pauseMs = numberHeader(req, 'x-sim-stall-ms') ?? 1000;
    if (randomFault === 'server-error') faults = new Set([...faults, faultRng.next() < 0.7 ? '500' : '503']);
    else if (randomFault === 'rate-limit') faults = new Set([...faults, '429']);
    else if (randomFault === 'reset') faults = new Set([...faults, 'reset-mid-stream']);
    else if (randomFault === 'stall') pauseMs = (pauseMs ?? 0) + rates.stallMs;

    for (const f of faults) {
      if (!STATUS_FAULTS.has(f)) continue;
      switch (f) {
        case 'reset-before-headers':
          req.socket.destroy();
          return;
        case '429':
          return sendJson(res, 429, ERR.rateLimited(retryAfter), {
            'retry-after': String(retryAfter),
            'x-ratelimit-remaining-requests': '0',
          });
        case '500':
          return sendJson(res, 500, ERR.server());
        case '503':
          return sendJson(res, 503, ERR.overloaded());
        case '400':
          return sendJson(res, 400, ERR.injected400());
        case '502-html':
          res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(HTML_502) });
          res.end(HTML_502);
          return;
      }
    }

    const plan = planResponse({
      seed, modelName, model, request, sample, promptKey: pkey, occurrence, promptCache,
      ttftOverrideMs: numberHeader(req, 'x-sim-ttft-ms') ?? options.fixedTtftMs,
      itlOverrideMs: numberHeader(req, 'x-sim-itl-ms') ?? options.fixedItlMs,
      pauseMs, pauseAfterEvent: FAULT_AFTER_EVENT,
    });
    const id = `chatcmpl-sim-${(++idCounter).toString(36)}`;
    const planHeaders: Record<string, string> = {
      'x-request-id': id,
      'x-sim-ttft-ms': plan.ttftMs.toFixed(3),
      'x-sim-decode-ms': plan.gapsMs.reduce((a, b) => a + b, 0).toFixed(3),
      'x-sim-task': plan.task ?? 'generic',
      'x-sim-correct': plan.correct === null ? 'n/a' : String(plan.correct),
    };
    const record = header(req, 'x-sim-record-timing') !== undefined;
    const onFirstSent = record ? (t: number) => timings.add(taskPrompt(request), t0, t) : undefined;
    if (request.stream) streamChat(res, t0, id, request, plan, faults, planHeaders, onFirstSent);
    else completeChat(res, t0, id, request, plan, faults, planHeaders);
  };

  const makeSink = (res: ServerResponse, gzip: boolean): Sink => {
    // Node corks a response's first writes until the next tick: destroy only once bytes are out.
    const cut = () => setImmediate(() => res.socket?.destroy());
    if (!gzip) {
      return {
        write: (d) => void res.write(d),
        end: () => res.end(),
        destroy: (last) => (last ? res.write(last, cut) : cut()),
      };
    }
    const gz = createGzip();
    gz.pipe(res);
    return {
      write: (d) => {
        gz.write(d);
        gz.flush(zlibConstants.Z_SYNC_FLUSH);
      },
      end: () => gz.end(),
      destroy: (last) => {
        if (last) gz.write(last);
        gz.flush(zlibConstants.Z_SYNC_FLUSH, cut);
      },
    };
  };

  const run = (res: ServerResponse, steps: Step[], sink: Sink): void => {
    const player = playSchedule(steps, sink);
    res.on('close', () => player.cancel());
  };

  const streamChat = (
    res: ServerResponse, t0: number, id: string, request: SimRequest, plan: ResponsePlan,
    faults: ReadonlySet<FaultKind>, planHeaders: Record<string, string>, onFirstSent?: (t: number) => void,
  ): void => {
    const gzip = faults.has('gzip');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...planHeaders,
    });
    if (faults.has('stall')) {
      res.flushHeaders(); // headers, then nothing until the client gives up
      return;
    }
    const enc = new ChunkEncoder(id, created, request.model, request.includeUsage);
    const steps: Step[] = [{ at: t0, data: enc.role() }];
    const events: string[] = [];
    for (const p of plan.reasoning) events.push(enc.reasoning(p.text));
    for (const p of plan.answer) events.push(enc.content(p.text));
    const faultAt = Math.min(FAULT_AFTER_EVENT, events.length - 1);
    let at = t0 + plan.ttftMs;
    for (let i = 0; i < events.length; i++) {
      if (i > 0) at += plan.gapsMs[i - 1];
      steps.push(i === 0 ? { at, data: events[i], exact: true, onSent: onFirstSent } : { at, data: events[i] });
      if (i === 0 && faults.has('malformed-json')) steps.push({ at, data: enc.malformed() });
      if (i === faultAt) {
        if (faults.has('reset-mid-stream')) return run(res, [...steps, { at, data: '', then: 'destroy' }], makeSink(res, gzip));
        if (faults.has('stall-between-tokens')) return run(res, [...steps, { at, data: '', then: 'hold' }], makeSink(res, gzip));
        if (faults.has('error-event')) return run(res, [...steps, { at, data: errorEvent(ERR.streamError()), then: 'end' }], makeSink(res, gzip));
        if (faults.has('error-in-chunk')) {
          return run(res, [...steps, { at, data: enc.errorChunk(ERR.streamError()) + SSE_DONE, then: 'end' }], makeSink(res, gzip));
        }
      }
    }
    if (faults.has('no-done')) {
      steps.push({ at, data: '', then: 'end' });
    } else {
      let tailData = enc.finish(plan.finishReason);
      if (request.includeUsage && !faults.has('no-usage')) tailData += enc.usage(plan.usage);
      steps.push({ at, data: tailData + SSE_DONE, then: 'end' });
    }
    run(res, steps, makeSink(res, gzip));
  };

  const completeChat = (
    res: ServerResponse, t0: number, id: string, request: SimRequest, plan: ResponsePlan,
    faults: ReadonlySet<FaultKind>, planHeaders: Record<string, string>,
  ): void => {
    const message: Record<string, unknown> = { role: 'assistant', content: plan.answerText, refusal: null };
    if (plan.reasoningText) message.reasoning_content = plan.reasoningText;
    const completion: Record<string, unknown> = {
      id, object: 'chat.completion', created, model: request.model, system_fingerprint: 'fp_evalbench_sim',
      choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    };
    if (!faults.has('no-usage')) completion.usage = plan.usage;
    let body = JSON.stringify(faults.has('error-event') || faults.has('error-in-chunk') ? ERR.streamError() : completion);
    if (faults.has('malformed-json')) body = body.slice(0, -1) + ',}';
    if (faults.has('no-done')) body = body.slice(0, Math.floor(body.length / 2));
    const done = t0 + plan.ttftMs + plan.gapsMs.reduce((a, b) => a + b, 0);
    const gzip = faults.has('gzip');
    const bytes = gzip ? gzipSync(body) : Buffer.from(body);
    const head = () =>
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': bytes.length,
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        ...planHeaders,
      });
    if (faults.has('stall') || faults.has('stall-between-tokens')) {
      head();
      res.flushHeaders();
      return;
    }
    // A raw sink: the body is one Buffer (maybe gzip), written whole or cut in half by a reset.
    const sink: Sink = {
      write: () => undefined,
      end: () => {
        head();
        res.end(bytes);
      },
      destroy: () => {
        head();
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => setImmediate(() => res.socket?.destroy()));
      },
    };
    const reset = faults.has('reset-mid-stream');
    run(res, [{ at: reset ? t0 + (done - t0) / 2 : done, data: '', exact: true, then: reset ? 'destroy' : 'end' }], sink);
  };

  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => {
    const t0 = performance.now();
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
      stats.requests++;
      stats.inFlight++;
      if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
      res.on('close', () => stats.inFlight--);
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(c);
      });
      req.on('end', () => {
        if (tooLarge) return sendJson(res, 413, ERR.tooLarge());
        handleChat(req, res, t0, chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      });
      req.on('error', () => res.destroy());
      return;
    }
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      return sendJson(res, 200, {
        object: 'list',
        data: [...models.keys()].map((m) => ({ id: m, object: 'model', created, owned_by: 'evalbench-sim' })),
      });
    }
    const one = /^\/(?:v1\/)?models\/(.+)$/.exec(path);
    if (req.method === 'GET' && one) {
      const name = decodeURIComponent(one[1]);
      if (!lookupModel(name)) return sendJson(res, 404, ERR.modelNotFound(name));
      return sendJson(res, 200, { id: name, object: 'model', created, owned_by: 'evalbench-sim' });
    }
    if (req.method === 'GET' && path === '/sim/timings') return sendJson(res, 200, timings.drain());
    if (req.method === 'GET' && (path === '' || path === '/health')) return sendJson(res, 200, { status: 'ok', simulator: true });
    return sendJson(res, 404, ERR.notFound(`${req.method} ${req.url}`));
  });

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
    models: [...models.keys()],
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // also ends held (stalled) streams
      }),
  };
}
