import type { Clock } from '../measure/types.ts';
import type { FetchLike } from './types.ts';
import type { ChunkSink, Exchange, HeaderView, Transport, TransportResponse } from './transport.ts';

/**
 * Any fetch as a Transport (`ClientDeps.fetch`: tests inject one to serve hosts that do not
 * exist). fetch decodes Content-Encoding itself; a chunk is stamped when `read()` resolves.
 */
export function fetchTransport(fetchImpl: FetchLike): Transport {
  return { post: (url, headers, payload, now) => new FetchExchange(fetchImpl, url, headers, payload, now) };
}

class FetchExchange implements Exchange {
  readonly sentAt: number;
  readonly response: Promise<TransportResponse>;
  private readonly ctl = new AbortController();
  private res: Response | null = null;
  /** The body was read to its end, or cancelled. */
  private settled = false;

  constructor(fetchImpl: FetchLike, url: string, headers: Record<string, string>, payload: string, private readonly now: Clock) {
    this.sentAt = now();
    let pending: Promise<Response>;
    try {
      // redirect: 'manual': the client follows redirects itself (see openai-client.ts).
      pending = fetchImpl(url, { method: 'POST', headers, body: payload, signal: this.ctl.signal, redirect: 'manual' });
    } catch (err) {
      pending = Promise.reject(err);
    }
    this.response = pending.then((res) => {
      this.res = res;
      return new FetchResponse(res, now(), this);
    });
  }

  abort(reason: Error): void {
    this.ctl.abort(reason);
  }

  release(): void {
    if (this.settled) return;
    this.settled = true;
    const body = this.res?.body;
    if (body && !body.locked) body.cancel().catch(() => {});
  }

  async read(res: Response, sink: ChunkSink): Promise<number> {
    const now = this.now;
    if (this.settled) throw new Error('the body is gone');
    this.settled = true;
    if (!res.body) return now();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const r = await reader.read();
        const t = now();
        if (r.done) return t;
        let more: boolean | void;
        try {
          more = sink.push(r.value, t);
        } catch (err) {
          await reader.cancel().catch(() => {});
          throw err;
        }
        if (more === false) {
          await reader.cancel().catch(() => {});
          return t;
        }
      }
    } finally {
      reader.releaseLock();
    }
  }
}

class FetchResponse implements TransportResponse {
  readonly status: number;
  readonly headers: HeaderView;

  constructor(private readonly res: Response, readonly receivedAt: number, private readonly ex: FetchExchange) {
    this.status = res.status;
    this.headers = res.headers;
  }

  read(sink: ChunkSink): Promise<number> {
    return this.ex.read(this.res, sink);
  }
}
