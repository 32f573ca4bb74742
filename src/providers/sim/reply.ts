import type { ServerResponse } from 'node:http';
import type { FaultKind } from './faults.ts';
import type { SimRequest } from './request-parse.ts';
import type { ResponsePlan } from './response-plan.ts';
import { playSchedule, type Sink, type Step } from './schedule.ts';

/** Token event after which mid-stream faults strike (the 3rd token, or the last if fewer). */
export const FAULT_AFTER_EVENT = 2;

/** One planned answer, ready to be sent streamed or whole. */
export interface Reply {
  res: ServerResponse;
  /** performance.now() at the request's arrival: every step time counts from it. */
  t0: number;
  id: string;
  created: number;
  request: SimRequest;
  plan: ResponsePlan;
  faults: ReadonlySet<FaultKind>;
  /** x-request-id and the x-sim-* plan headers. */
  headers: Record<string, string>;
  /** Called when the first token event is on the socket (x-sim-record-timing). */
  onFirstSent?: (t: number) => void;
}

/** Play the steps into the sink; a client that leaves cancels the rest. */
export function play(res: ServerResponse, steps: Step[], sink: Sink): void {
  const player = playSchedule(steps, sink);
  res.on('close', () => player.cancel());
}
