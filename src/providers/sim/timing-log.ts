import { monotonicOffsetMs } from '../thread-clock.ts';

/**
 * The simulator's own account of when it sent each first token, for requests that ask with an
 * `x-sim-record-timing` header; `GET /sim/timings` hands the records over and forgets them.
 * The bench pairs them with what a client measured for the same request: client TTFT minus
 * server TTFT is the client's own overhead (plus loopback), free of the simulator's timer jitter.
 */
export interface SimTiming {
  /** The request's last user message (bench prompts carry a unique tag). */
  key: string;
  /** Request head arrived → first token event handed to the socket (ms). */
  ttft_ms: number;
  /** When the request head arrived, on the machine-wide monotonic clock (monotonicMs). */
  recv_at_ms: number;
  /** When the first token event was handed to the socket, on the same clock. */
  sent_at_ms: number;
}

// performance.now() → CLOCK_MONOTONIC, shared by every process: one definition, with the client's.
export { monotonicOffsetMs } from '../thread-clock.ts';

/** Records kept until read; past it new ones are counted as dropped (a reader that never reads costs bounded memory). */
export const MAX_TIMING_RECORDS = 1_000_000;

export class TimingLog {
  private records: SimTiming[] = [];
  private dropped = 0;
  private readonly offset = monotonicOffsetMs();

  /** `recv` and `sent`: performance.now() stamps of this process. */
  add(key: string, recv: number, sent: number): void {
    if (this.records.length >= MAX_TIMING_RECORDS) this.dropped++;
    else this.records.push({ key, ttft_ms: sent - recv, recv_at_ms: recv + this.offset, sent_at_ms: sent + this.offset });
  }

  /** Everything recorded since the last drain. */
  drain(): { timings: SimTiming[]; dropped: number } {
    const out = { timings: this.records, dropped: this.dropped };
    this.records = [];
    this.dropped = 0;
    return out;
  }
}
