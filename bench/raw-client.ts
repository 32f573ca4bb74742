import http from 'node:http';

/** What the raw client saw of one streamed response. */
export interface RawTiming {
  ok: boolean;
  status: number;
  /** performance.now() when the request got its socket, just before it is written (where our client stamps t_send). */
  send: number;
  /** Response headers received. */
  hdr: number | null;
  firstTok: number | null;
  /** One stamp per token-bearing event: the arrival of the 'data' chunk that completed it. */
  tokenTimes: number[];
  end: number;
}

/** A non-empty `content` string in a delta (`"content":""` is the simulator's role-only chunk). */
const TOKEN_RE = /"content":"[^"]/;

/** Is this SSE event (its text, without the blank line) token-bearing? A string scan, no JSON parse. */
export function isRawTokenEvent(event: string): boolean {
  return TOKEN_RE.test(event);
}

/**
 * Split complete SSE events (ended by a blank line) off the front of `buffer`; returns the
 * events and the unfinished rest. `\n\n` only: the simulator never sends CRLF.
 */
export function splitEvents(buffer: string): { events: string[]; rest: string } {
  const events: string[] = [];
  let start = 0;
  for (;;) {
    const i = buffer.indexOf('\n\n', start);
    if (i < 0) break;
    events.push(buffer.slice(start, i));
    start = i + 2;
  }
  return { events, rest: start === 0 ? buffer : buffer.slice(start) };
}

export interface RawTarget {
  host: string;
  port: number;
  path: string;
}

export function rawTarget(baseUrl: string): RawTarget {
  const u = new URL(`${baseUrl}/chat/completions`);
  return { host: u.hostname, port: Number(u.port), path: u.pathname };
}

/**
 * The floor: the least a Node client can do to time a stream. node:http with a keep-alive agent,
 * a timestamp on every 'data' event, token events found by a string scan. Anything our client
 * measures above this is our overhead (fetch/undici, web streams, SSE parsing, JSON.parse).
 */
export function rawStream(agent: http.Agent, target: RawTarget, payload: Buffer, extraHeaders: Record<string, string> = {}): Promise<RawTiming> {
  return new Promise((resolve) => {
    const tokenTimes: number[] = [];
    let status = 0;
    let sawDone = false;
    let hdr: number | null = null;
    let send = performance.now();
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      const end = performance.now();
      resolve({ ok: ok && sawDone && tokenTimes.length > 0, status, send, hdr, firstTok: tokenTimes[0] ?? null, tokenTimes, end });
    };
    const req = http.request(
      {
        agent, host: target.host, port: target.port, path: target.path, method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': payload.length, ...extraHeaders },
      },
      (res) => {
        hdr = performance.now();
        status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        let buf = '';
        res.on('data', (s: string) => {
          const t = performance.now();
          buf += s;
          const { events, rest } = splitEvents(buf);
          buf = rest;
          for (const e of events) {
            if (isRawTokenEvent(e)) tokenTimes.push(t);
            else if (e === 'data: [DONE]') sawDone = true;
          }
        });
        res.on('end', () => finish(status === 200));
        res.on('error', () => finish(false));
      },
    );
    req.on('error', () => finish(false));
    // As our client does: re-stamp the send when the request gets its socket (it is written right after).
    req.once('socket', () => {
      send = performance.now();
    });
    req.end(payload);
  });
}

/** Run `total` raw requests with `concurrency` in flight (a worker pool: closed loop, like runJobs). */
export function runRawClosedLoop(
  agent: http.Agent, target: RawTarget, payload: Buffer, total: number, concurrency: number,
  onResult: (r: RawTiming) => void,
): Promise<void> {
  return runClosedLoop(total, concurrency, () => rawStream(agent, target, payload), onResult);
}

/**
 * A second floor, for attribution: the same string-scan timing over fetch (undici, web streams)
 * instead of node:http. ours - fetchFloor = our parsing and accounting; fetchFloor - rawFloor =
 * what fetch itself costs.
 */
export async function fetchStream(url: string, payload: string, extraHeaders: Record<string, string> = {}): Promise<RawTiming> {
  const tokenTimes: number[] = [];
  let status = 0;
  let hdr: number | null = null;
  let sawDone = false;
  const send = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...extraHeaders }, body: payload });
    hdr = performance.now();
    status = res.status;
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const r = await reader.read();
      const t = performance.now();
      if (r.done) break;
      buf += decoder.decode(r.value, { stream: true });
      const { events, rest } = splitEvents(buf);
      buf = rest;
      for (const e of events) {
        if (isRawTokenEvent(e)) tokenTimes.push(t);
        else if (e === 'data: [DONE]') sawDone = true;
      }
    }
  } catch {
    return { ok: false, status, send, hdr, firstTok: tokenTimes[0] ?? null, tokenTimes, end: performance.now() };
  }
  const end = performance.now();
  return { ok: status === 200 && sawDone && tokenTimes.length > 0, status, send, hdr, firstTok: tokenTimes[0] ?? null, tokenTimes, end };
}

/** Closed loop over any single-request function (a worker pool of `concurrency`). */
export async function runClosedLoop(total: number, concurrency: number, one: () => Promise<RawTiming>, onResult: (r: RawTiming) => void): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      onResult(await one());
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}
