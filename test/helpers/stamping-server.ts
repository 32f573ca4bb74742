import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { monotonicOffsetMs } from '../../src/providers/sim/timing-log.ts';
import { listeningUrl } from './listening-url.ts';

/** One request as the stamping server saw it (CLOCK_MONOTONIC ms; see stamping-server.mjs). */
export interface ServerStamp {
  key: string;
  recv_at_ms: number;
  /** Streamed: just before the first content chunk was written (0 for a non-streamed body). */
  first_tok_at_ms: number;
  /** Just before the last bytes were handed to the socket. */
  end_at_ms: number;
}

export interface StampingServer {
  /** Base URL up to /v1. */
  url: string;
  /** Add to a performance.now() stamp of this process to compare it with the server's stamps. */
  offsetMs: number;
  /** Records since the last call, and sockets opened by a GET (warm-up) / by a POST. */
  stamps(): Promise<{ records: ServerStamp[]; opened: { get: number; post: number } }>;
  close(): void;
}

/** The stamping server in its own process: its writes and timers never wait on the client's event loop. */
export async function spawnStampingServer(): Promise<StampingServer> {
  const script = path.join(import.meta.dirname, 'stamping-server.mjs');
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await listeningUrl(child, 'stamping server');
  const origin = new URL(url).origin;
  return {
    url,
    offsetMs: monotonicOffsetMs(),
    stamps: () =>
      new Promise((resolve, reject) => {
        // Its own connection (agent: false): never one of the pooled sockets being counted.
        http.get(`${origin}/stamps`, { agent: false }, (res) => {
          let s = '';
          res.setEncoding('utf8').on('data', (c: string) => (s += c)).on('end', () => resolve(JSON.parse(s)));
        }).on('error', reject);
      }),
    close: () => {
      child.stdin!.end();
      child.kill('SIGTERM');
    },
  };
}
