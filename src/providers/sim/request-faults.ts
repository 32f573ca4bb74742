import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERR, HTML_502 } from './error-bodies.ts';
import { STATUS_FAULTS, drawRandomFault, mergeFaultRates, type FaultKind } from './faults.ts';
import { header, numberHeader, sendJson } from './http-io.ts';
import type { SimModel } from './models.ts';
import { SeededRandom } from './seeded-random.ts';
import type { SimState } from './sim-state.ts';

/** The faults one request suffers, decided before anything is sent. */
export interface RequestFaults {
  faults: ReadonlySet<FaultKind>;
  /** Pause inserted after the 3rd token event (a stall that resumes). */
  pauseMs: number | undefined;
  retryAfter: number;
}

export interface FaultInput {
  state: SimState;
  model: SimModel;
  /** Faults named in x-sim-fault. */
  asked: Set<FaultKind>;
  /** Default x-sim-fail-times key: model | prompt | sample. */
  failKey: string;
  /** Seeds the random draw: identical requests draw anew per occurrence. */
  contentKey: string;
  occurrence: number;
}

/** Header faults, x-sim-fail-times and the model's random faults (one seeded draw per request). */
export function resolveFaults(req: IncomingMessage, input: FaultInput): RequestFaults {
  const { state, asked } = input;
  // x-sim-fail-times: the asked faults (default 500) hit only the first N requests with the key.
  let faults: Set<FaultKind> = asked;
  const failTimesN = numberHeader(req, 'x-sim-fail-times');
  if (failTimesN !== undefined) {
    const key = header(req, 'x-sim-request-key') ?? input.failKey;
    const fail = state.failTimes.shouldFail(key, Math.floor(failTimesN));
    faults = fail ? (asked.size > 0 ? asked : new Set<FaultKind>(['500'])) : new Set<FaultKind>();
  }
  const rates = mergeFaultRates(input.model.faults, state.options.faults);
  const faultRng = new SeededRandom(state.seed, 'fault', input.contentKey, input.occurrence);
  const randomFault = drawRandomFault(rates, faultRng);
  const retryAfter = Math.max(0, numberHeader(req, 'x-sim-retry-after') ?? rates.retryAfterSeconds);
  let pauseMs: number | undefined;
  if (faults.has('pause-mid-stream')) pauseMs = numberHeader(req, 'x-sim-stall-ms') ?? 1000;
  if (randomFault === 'server-error') faults = new Set([...faults, faultRng.next() < 0.7 ? '500' : '503']);
  else if (randomFault === 'rate-limit') faults = new Set([...faults, '429']);
  else if (randomFault === 'reset') faults = new Set([...faults, 'reset-mid-stream']);
  else if (randomFault === 'stall') pauseMs = (pauseMs ?? 0) + rates.stallMs;
  return { faults, pauseMs, retryAfter };
}

/** Answer with the first status fault (an error status, HTML or a reset); false when there is none. */
export function sendStatusFault(req: IncomingMessage, res: ServerResponse, f: RequestFaults): boolean {
  for (const kind of f.faults) {
    if (!STATUS_FAULTS.has(kind)) continue;
    switch (kind) {
      case 'reset-before-headers':
        req.socket.destroy();
        return true;
      case '429':
        sendJson(res, 429, ERR.rateLimited(f.retryAfter), {
          'retry-after': String(f.retryAfter),
          'x-ratelimit-remaining-requests': '0',
        });
        return true;
      case '500':
        sendJson(res, 500, ERR.server());
        return true;
      case '503':
        sendJson(res, 503, ERR.overloaded());
        return true;
      case '400':
        sendJson(res, 400, ERR.injected400());
        return true;
      case '502-html':
        res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(HTML_502) });
        res.end(HTML_502);
        return true;
    }
  }
  return false;
}
