// Replays the recorded server bodies of test/fixtures/recorded over real HTTP on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  constants as zc, createBrotliCompress, createDeflate, createDeflateRaw, createGzip,
  type BrotliCompress, type Deflate, type DeflateRaw, type Gzip,
} from 'node:zlib';

export const FIXTURES = fileURLToPath(new URL('../fixtures/recorded/', import.meta.url));

export interface Meta {
  status: { code: number };
  headers: Record<string, string[]>;
}

/** Every fixture body (not the .meta.json sidecars), as paths relative to FIXTURES, sorted. */
export function listFixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = `${dir}${name}`;
      if (statSync(full).isDirectory()) walk(`${full}/`, `${prefix}${name}/`);
      else if (name.endsWith('.json') && !name.endsWith('.meta.json')) out.push(`${prefix}${name}`);
      else if (name.endsWith('.sse')) out.push(`${prefix}${name}`);
    }
  };
  walk(FIXTURES, '');
  return out;
}

export const raw = (name: string): Buffer => readFileSync(`${FIXTURES}${name}`);
export const meta = (name: string): Meta => JSON.parse(readFileSync(`${FIXTURES}${name}.meta.json`, 'utf8')) as Meta;

const HOP_BY_HOP = new Set(['transfer-encoding', 'content-length', 'content-encoding', 'connection', 'keep-alive']);

/** How the replay sends the body: as recorded, or compressed with a Content-Encoding. */
export type ReplayEncoding = 'identity' | 'gzip' | 'deflate' | 'deflate-raw' | 'br';

function compressor(enc: Exclude<ReplayEncoding, 'identity'>): Gzip | Deflate | DeflateRaw | BrotliCompress {
  switch (enc) {
    case 'gzip':
      return createGzip();
    case 'deflate':
      return createDeflate();
    case 'deflate-raw':
      return createDeflateRaw();
    case 'br':
      return createBrotliCompress();
  }
}

export interface FixtureServer {
  /** URL for a fixture: `${url(name, enc)}` is a full chat-completions URL. */
  url(name: string, enc?: ReplayEncoding): string;
  close(): Promise<void>;
}

/**
 * GET/POST `/<encoding>/<fixture name>/v1/chat/completions` answers with the recorded status,
 * headers (minus framing the replay redoes) and body, written in odd-sized slices so events
 * and UTF-8 sequences straddle reads. Compressed replays flush after every slice (as a
 * streaming server would), so the client decodes as bytes come.
 */
export async function startFixtureServer(): Promise<FixtureServer> {
  const server: Server = createServer((req, res) => {
    const [, enc, encoded] = req.url!.split('/') as [string, ReplayEncoding, string];
    const name = decodeURIComponent(encoded);
    req.resume();
    req.on('end', () => {
      const m = meta(name);
      for (const [k, v] of Object.entries(m.headers)) {
        if (HOP_BY_HOP.has(k.toLowerCase())) continue;
        try {
          res.setHeader(k, v);
        } catch {
          // a recorder placeholder that is not a legal header value
        }
      }
      res.statusCode = m.status.code;
      const body = raw(name);
      if (enc !== 'identity') res.setHeader('content-encoding', enc === 'deflate-raw' ? 'deflate' : enc);
      const z = enc === 'identity' ? null : compressor(enc);
      z?.pipe(res);
      let at = 0;
      const step = 1009;
      const pump = (): void => {
        if (at >= body.length) {
          if (z) z.end();
          else res.end();
          return;
        }
        const slice = body.subarray(at, at + step);
        at += step;
        if (!z) {
          res.write(slice);
          setImmediate(pump);
          return;
        }
        z.write(slice);
        z.flush(enc === 'br' ? zc.BROTLI_OPERATION_FLUSH : zc.Z_SYNC_FLUSH, () => setImmediate(pump));
      };
      pump();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (name, enc = 'identity') => `${base}/${enc}/${encodeURIComponent(name)}/v1/chat/completions`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
