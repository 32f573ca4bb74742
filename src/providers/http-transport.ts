import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Clock } from '../measure/types.ts';
import { contentDecoders, type Decoder } from './content-decoding.ts';
import type { ChunkSink, Exchange, HeaderView, Transport, TransportResponse } from './transport.ts';
import { TurnQueue } from './turn-queue.ts';

/**
 * The default transport: node:http / node:https with one shared keep-alive agent per protocol.
 * Why not fetch: undici plus WHATWG streams cost ~8x the CPU per streamed request (a promise and
 * several objects per chunk), and at 64 concurrent streams that CPU shows up as TTFT/ITL error
 * (events batched into one read). Here a body chunk is a 'data' callback, stamped with now()
 * before anything else and handed on synchronously.
 */

/**
 * Idle pooled sockets are closed after this (undici's default too); Node lowers it to 1 s
 * before a server's own `Keep-Alive: timeout=N`, and does not pool the socket when that leaves
 * nothing. A request written to a socket the server is closing would fail before any answer.
 * On an active socket the timeout only emits an event nobody acts on (the client's per-attempt
 * timer bounds requests).
 */
const IDLE_SOCKET_MS = 4_000;

/** A mixin base must take any constructor arguments (TypeScript's rule for mixins). */
type AgentClass = new (...args: any[]) => http.Agent;

/** Nagle off on every socket: the `noDelay` option reaches plain sockets but not TLS ones, so it is set where sockets are made. */
function noDelayAgent<B extends AgentClass>(Base: B) {
  return class extends Base {
    override createConnection(options: http.ClientRequestArgs, cb?: (err: Error | null, s: Duplex) => void): Duplex | null | undefined {
      const s = super.createConnection(options, cb);
      (s as { setNoDelay?: (on: boolean) => unknown } | null | undefined)?.setNoDelay?.(true);
      return s;
    }
  };
}

/**
 * One pool per protocol. `lifo` reuses the most recently freed socket, so after a busy period the
 * extra ones idle out (fifo measured the same in the bench); maxSockets is unlimited because the
 * scheduler (run/) caps concurrency.
 */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: Infinity, scheduling: 'lifo', timeout: IDLE_SOCKET_MS } as const;
const httpAgent = new (noDelayAgent(http.Agent))(AGENT_OPTIONS);
const httpsAgent = new (noDelayAgent(https.Agent))(AGENT_OPTIONS);

/** What we can decode, as fetch asks for it (br only over TLS, where proxies pass it through). */
const ACCEPT_ENCODING_HTTP = 'gzip, deflate';
const ACCEPT_ENCODING_HTTPS = 'br, gzip, deflate';
/** Sent unless the provider's headers set one (some gateways refuse requests without it). */
const USER_AGENT = 'evalbench';

/** node:http / node:https, the client's default. */
export const httpTransport: Transport = {
  post: (url, headers, payload, now) => new NodeExchange(url, headers, payload, now),
};

/** `url` parsed for node:http(s); throws on another scheme or on credentials in it. */
function requestUrl(url: string): { u: URL; secure: boolean } {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  if (!secure && u.protocol !== 'http:') throw new TypeError(`unsupported URL scheme ${u.protocol}`);
  // As fetch: a key in the URL would be sent as Basic auth next to ours.
  if (u.username !== '' || u.password !== '') throw new TypeError('the URL includes credentials (user:password@)');
  return { u, secure };
}

/**
 * GET `url` through the pooled agents and drain the answer, so a connection (and its TLS
 * session) to that origin is open before the first measured request. For warm-up: resolves in
 * every case (no server, an error status, a redirect, which is not followed), within `timeoutMs`.
 */
export function warmConnection(url: string, headers: Record<string, string>, timeoutMs = 3_000): Promise<void> {
  return new Promise((resolve) => {
    let req: http.ClientRequest;
    try {
      const { u, secure } = requestUrl(url);
      req = (secure ? https : http).get(u, { headers: { 'user-agent': USER_AGENT, ...headers }, agent: secure ? httpsAgent : httpAgent });
    } catch {
      resolve();
      return;
    }
    const timer = setTimeout(() => req.destroy(), timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    req.on('response', (res) => {
      res.on('end', done);
      res.on('error', done);
      res.resume();
    });
    req.on('error', done);
    req.on('close', done);
  });
}

/**
 * Open `count` pooled connections to `url`'s origin: `count` GETs started together, so none finds
 * a free socket and each opens its own (maxSockets is unlimited). When they are answered, the
 * sockets stay in the pool for the run's first requests. Resolves like warmConnection.
 */
export async function warmConnections(url: string, headers: Record<string, string>, count: number, timeoutMs = 3_000): Promise<void> {
  const n = Math.max(1, Math.floor(count));
  await Promise.all(Array.from({ length: n }, () => warmConnection(url, headers, timeoutMs)));
}

/**
 * A POST target's request options, prepared once per endpoint URL (parsing, agent, default
 * headers) instead of per request; the merged headers are reused while the caller's are the same.
 */
class Endpoint {
  readonly secure: boolean;
  private readonly base: { method: 'POST'; hostname: string; port: number | undefined; path: string; agent: http.Agent };
  private source: Record<string, string> | null = null;
  private options: http.RequestOptions | null = null;

  constructor(url: string) {
    const { u, secure } = requestUrl(url);
    this.secure = secure;
    const host = u.hostname;
    this.base = {
      method: 'POST',
      hostname: host.charCodeAt(0) === 0x5b ? host.slice(1, -1) : host, // [::1] -> ::1
      port: u.port === '' ? undefined : Number(u.port),
      path: `${u.pathname}${u.search}`,
      agent: secure ? httpsAgent : httpAgent,
    };
  }

  optionsFor(headers: Record<string, string>): http.RequestOptions {
    if (this.options !== null && sameHeaders(this.source!, headers)) return this.options;
    const h: Record<string, string> = { ...headers };
    h['accept-encoding'] ??= this.secure ? ACCEPT_ENCODING_HTTPS : ACCEPT_ENCODING_HTTP;
    h['user-agent'] ??= USER_AGENT;
    // A copy: the caller may change its object later and send it again.
    this.source = { ...headers };
    this.options = { ...this.base, headers: h };
    return this.options;
  }

  /** Closes this origin's idle pooled sockets (after one of them proved stale). */
  closeIdleSockets(headers: Record<string, string>): void {
    const agent = this.base.agent;
    const name = agent.getName(this.optionsFor(headers));
    for (const s of agent.freeSockets[name] ?? []) s.destroy();
  }
}

/** The same names with the same values (in any order). */
export function sameHeaders(a: Record<string, string>, b: Record<string, string>): boolean {
  let n = 0;
  for (const k in b) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in a) n--;
  return n === 0;
}

/** By URL: a run has a handful of endpoints; the cap only guards a caller with endless URLs. */
const endpoints = new Map<string, Endpoint>();
const MAX_ENDPOINTS = 256;

function endpointFor(url: string): Endpoint {
  let e = endpoints.get(url);
  if (e === undefined) {
    e = new Endpoint(url);
    if (endpoints.size >= MAX_ENDPOINTS) endpoints.clear();
    endpoints.set(url, e);
  }
  return e;
}

const enum Phase {
  /** Waiting for the response head. */
  Head,
  /** Head received, body not being read yet. */
  Held,
  Reading,
  Done,
}

/**
 * One request: the ClientRequest, its response, and the two promises the client waits on
 * (head, then body end). Node may emit several of error / close / end for one failure; `phase`
 * makes the first one count and the rest no-ops.
 */
class NodeExchange implements Exchange, TransportResponse {
  sentAt = 0;
  readonly response: Promise<TransportResponse>;
  status = 0;
  headers: HeaderView = EMPTY_HEADERS;
  receivedAt = 0;

  private phase = Phase.Head;
  private req: http.ClientRequest | null = null;
  private res: IncomingMessage | null = null;
  /** Set while phase is Head. */
  private resolveHead: ((r: TransportResponse) => void) | null = null;
  private rejectHead: ((e: unknown) => void) | null = null;
  /** Set while phase is Reading. */
  private resolveBody: ((t: number) => void) | null = null;
  private rejectBody: ((e: unknown) => void) | null = null;
  /** A failure while phase was Held: the next read() rejects with it. */
  private heldError: unknown = null;
  /** The response's 'end' came (compressed: its decoding may still be under way). */
  private rawEnded = false;
  private decoders: Decoder[] | null = null;
  /** Plain bodies: chunks stamped on arrival and not yet handed to the sink, with their stamps. */
  private readonly stamped: Buffer[] = [];
  private readonly stamps: number[] = [];
  /** When the plain body's 'end' came, if it has and is not yet acted on (-1: not yet). */
  private endedAt = -1;
  /** In the flush queue. */
  private queued = false;
  /** In the settle queue. */
  private settleQueued = false;
  private deliver: ((chunk: Buffer, t: number) => void) | null = null;
  /** The request was sent again after a stale pooled socket failed it (once at most). */
  private resent = false;

  constructor(
    private readonly url: string, private readonly reqHeaders: Record<string, string>, private readonly payload: string, private readonly now: Clock,
  ) {
    this.response = new Promise<TransportResponse>((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    this.start();
  }

  private start(): void {
    let req: http.ClientRequest;
    let target: Endpoint;
    try {
      target = endpointFor(this.url);
      // Node copies the options and sets Content-Length itself from end(payload).
      req = (target.secure ? https : http).request(target.optionsFor(this.reqHeaders));
    } catch (err) {
      this.sentAt = this.now();
      this.failHead(err);
      return;
    }
    this.req = req;
    // Events of a request given up for a resend (a stale socket) are not this exchange's any more.
    req.on('response', (res) => (req === this.req ? this.onResponse(res) : res.destroy()));
    // Stays attached for the request's life: Node can emit 'error' after a destroy.
    req.on('error', (err) => {
      if (req === this.req && !this.resendOnStaleSocket(req, target, err)) this.onError(err);
    });
    this.sentAt = this.now();
    // Node hands the request its (pooled) socket a tick later and writes it right after
    // 'socket': stamping there keeps the wait for that tick out of TTFT. When many requests start
    // in one tick (a closed loop filling its slots), that wait is as long as starting them all.
    req.once('socket', this.onSocket);
    req.end(this.payload);
  }

  /**
   * A pooled keep-alive socket the server had closed while it idled fails the request with
   * ECONNRESET before any response byte: the request never reached the server. It is sent again,
   * once, on a fresh socket (the origin's other idle sockets are closed first: they idled as
   * long), within the same attempt; t_send is the resend's. A reset on a fresh socket, or after a
   * response began, is a failure as before.
   */
  private resendOnStaleSocket(req: http.ClientRequest, target: Endpoint, err: unknown): boolean {
    if (this.resent || this.phase !== Phase.Head || !req.reusedSocket || (err as { code?: unknown }).code !== 'ECONNRESET') return false;
    this.resent = true;
    target.closeIdleSockets(this.reqHeaders);
    req.destroy();
    this.start();
    return true;
  }

  private readonly onSocket = (): void => {
    this.sentAt = this.now();
  };

  private readonly onResponse = (res: IncomingMessage): void => {
    this.receivedAt = this.now();
    if (this.phase !== Phase.Head) {
      res.destroy();
      return;
    }
    this.phase = Phase.Held;
    this.res = res;
    this.status = res.statusCode ?? 0;
    this.headers = new NodeHeaders(res.headers);
    res.on('error', this.onError);
    res.on('close', this.onClose);
    const resolve = this.resolveHead!;
    this.resolveHead = this.rejectHead = null;
    resolve(this);
  };

  private readonly onError = (err: unknown): void => {
    const e = explained(err);
    if (this.phase === Phase.Head) this.failHead(e);
    else if (this.phase === Phase.Held) this.heldError ??= e;
    else if (this.phase === Phase.Reading) this.stopReading(e);
  };

  /** 'close' after 'end' is normal; before it, the body was cut (Node usually says so with 'error' first). */
  private readonly onClose = (): void => {
    if ((this.phase === Phase.Reading || this.phase === Phase.Held) && !this.rawEnded) {
      this.onError(new Error('the connection closed before the response ended'));
    }
  };

  private failHead(err: unknown): void {
    this.phase = Phase.Done;
    const reject = this.rejectHead;
    this.resolveHead = this.rejectHead = null;
    this.destroy();
    reject?.(err);
  }

  private failBody(err: unknown): void {
    this.phase = Phase.Done;
    const reject = this.rejectBody;
    this.resolveBody = this.rejectBody = null;
    this.destroy();
    reject?.(err);
  }

  private finishBody(t: number, complete: boolean): void {
    this.phase = Phase.Done;
    const resolve = this.resolveBody;
    this.resolveBody = this.rejectBody = null;
    if (!complete) this.destroy();
    resolve?.(t);
  }

  private queueFlush(): void {
    if (this.queued) return;
    this.queued = true;
    due.push(this);
    if (due.length === 1) setImmediate(flushStamped);
  }

  /**
   * Hand stamped chunks to the sink in arrival order; a body that has ended is queued to settle
   * (see `settling`). Runs from the flush, and first thing on an error or abort, so what arrived
   * before it is never lost.
   */
  drain(): void {
    this.queued = false;
    const chunks = this.stamped;
    const deliver = this.deliver;
    if (chunks.length > 0 && deliver !== null) {
      const stamps = this.stamps;
      for (let i = 0; i < chunks.length && this.phase === Phase.Reading; i++) deliver(chunks[i], stamps[i]);
      chunks.length = 0;
      stamps.length = 0;
    }
    if (this.endedAt >= 0 && this.phase === Phase.Reading && !this.settleQueued) {
      this.settleQueued = true;
      settling.push(this);
    }
  }

  /** Resolve the read of a body that ended (a no-op if an error or abort settled it first). */
  settle(): void {
    if (this.phase === Phase.Reading) this.finishBody(this.endedAt, true);
  }

  /** An error or abort while reading: what arrived first is delivered; a body that had ended still counts as read. */
  private stopReading(err: unknown): void {
    this.drain();
    if (this.phase !== Phase.Reading) return;
    if (this.endedAt >= 0) this.finishBody(this.endedAt, true);
    else this.failBody(err);
  }

  /** Close the connection (never reused: its body was not read to the end). */
  private destroy(): void {
    if (this.decoders) for (const d of this.decoders) d.destroy();
    this.req?.destroy();
  }

  abort(reason: Error): void {
    if (this.phase === Phase.Head) this.failHead(reason);
    else if (this.phase === Phase.Held) {
      this.heldError ??= reason;
      this.destroy();
    } else if (this.phase === Phase.Reading) this.stopReading(reason);
  }

  release(): void {
    if (this.phase === Phase.Done) return;
    const res = this.res;
    this.phase = Phase.Done;
    // A body that has fully arrived (a redirect's, usually) is drained, keeping the connection.
    if (res !== null && res.complete) res.resume();
    else this.destroy();
  }

  read(sink: ChunkSink): Promise<number> {
    if (this.phase !== Phase.Held) {
      return Promise.reject(this.heldError ?? new Error(this.phase === Phase.Reading ? 'the body is already being read' : 'the body is gone'));
    }
    if (this.heldError !== null) {
      this.phase = Phase.Done;
      this.destroy();
      return Promise.reject(this.heldError);
    }
    const res = this.res!;
    const body = new Promise<number>((resolve, reject) => {
      this.resolveBody = resolve;
      this.rejectBody = reject;
    });
    this.phase = Phase.Reading;
    const now = this.now;
    /** Hands one (decoded) chunk to the sink; the sink may say it has read enough. */
    const deliver = (chunk: Buffer, t: number): void => {
      let more: boolean | void;
      try {
        more = sink.push(chunk, t);
      } catch (err) {
        this.failBody(err);
        return;
      }
      if (more === false) this.finishBody(t, false);
    };
    const decoders = contentDecoders(res.headers['content-encoding']);
    if (decoders === null) {
      // Plain body: stamp now, parse later (see flushStamped): the callback does no more than a
      // floor client would, so the sockets read after this one in the same poll are stamped
      // without waiting for this one's parsing, row building or next request.
      this.deliver = deliver;
      res.on('data', (chunk: Buffer) => {
        const t = now();
        if (this.phase !== Phase.Reading) return;
        this.stamped.push(chunk);
        this.stamps.push(t);
        this.queueFlush();
      });
      res.on('end', () => {
        const t = now();
        this.rawEnded = true;
        if (this.phase !== Phase.Reading) return;
        this.endedAt = t;
        this.queueFlush();
      });
      return body;
    }

    // Compressed: stamps are taken as the raw bytes arrive; decoded output is stamped with the
    // oldest raw chunk still being decoded (zlib works in order, one chunk at a time).
    this.decoders = decoders;
    const stamps: number[] = [];
    let lastDone = 0;
    const rawDone = (): void => {
      lastDone = stamps.shift() ?? lastDone;
    };
    const first = decoders[0];
    const last = decoders[decoders.length - 1];
    for (let i = 0; i < decoders.length; i++) {
      const d = decoders[i];
      d.on('error', (err: unknown) => {
        if (this.phase === Phase.Reading) this.failBody(err);
      });
      const next = decoders[i + 1];
      if (next !== undefined) {
        d.on('data', (out: Buffer) => next.write(out));
        d.on('end', () => next.end());
      }
    }
    last.on('data', (out: Buffer) => {
      if (this.phase === Phase.Reading) deliver(out, stamps.length > 0 ? stamps[0] : lastDone);
    });
    // The body ended when its last raw bytes arrived, not when zlib finished with them.
    let rawEndAt = -1;
    last.on('end', () => {
      if (this.phase === Phase.Reading) this.finishBody(rawEndAt >= 0 ? rawEndAt : now(), true);
    });
    res.on('data', (chunk: Buffer) => {
      if (this.phase !== Phase.Reading) return;
      stamps.push(now());
      first.write(chunk, rawDone);
    });
    res.on('end', () => {
      rawEndAt = now();
      this.rawEnded = true;
      if (this.phase === Phase.Reading) first.end();
    });
    return body;
  }
}

/**
 * Exchanges with stamped chunks waiting for their sink. One setImmediate for all of them: it runs
 * once the poll phase has read (and stamped) every socket that was ready.
 */
const due: NodeExchange[] = [];

function flushStamped(): void {
  // Exchanges queued while this runs (a sink's work can read more) wait for the next flush.
  const n = due.length;
  for (let i = 0; i < n; i++) due[i].drain();
  due.splice(0, n);
  if (due.length > 0) setImmediate(flushStamped);
}

/**
 * Bodies that ended, settled one per event-loop turn (more only when a backlog has built up: see
 * turn-queue.ts). Settling is what runs the request's continuation (metrics, the row, the next
 * request of that slot: a few hundred µs); when many streams end together (a closed loop keeps
 * them in step), doing them all at once would hold every socket that becomes readable meanwhile
 * unread and unstamped. One per turn, the poll phase between two of them stamps whatever arrived.
 */
const settling = new TurnQueue<NodeExchange>((ex) => ex.settle());

/** Node's two terse words for a connection closed by the other side, said in full (the original stays as the cause). */
function explained(err: unknown): unknown {
  if (!(err instanceof Error) || (err as { code?: unknown }).code !== 'ECONNRESET') return err;
  if (err.message === 'aborted') return new Error('the connection closed before the response ended', { cause: err });
  if (err.message === 'socket hang up') return new Error('the server closed the connection without answering', { cause: err });
  return err;
}

/** Node's parsed headers (names already lower-case, repeats joined) seen as fetch's Headers. */
class NodeHeaders implements HeaderView {
  constructor(private readonly h: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const v = this.h[name];
    if (v === undefined) return null;
    return typeof v === 'string' ? v : v.join(', ');
  }

  forEach(fn: (value: string, name: string) => void): void {
    // Arrival order, not fetch's name order: sorting cost an array per response and no caller needs it.
    for (const name in this.h) fn(this.get(name)!, name);
  }
}

const EMPTY_HEADERS: HeaderView = { get: () => null, forEach: () => {} };
