/**
 * The raw floor client in a process of its own (as `evalbench run` is): `node --import tsx
 * bench/floor-process.ts '{"url":...,"concurrency":64,"requests":512,"tokens":16}'`. Closed loop
 * of raw node:http streams (raw-client.ts); prints one JSON line: ok, errors and each TTFT (ms).
 */
import http from 'node:http';
import { benchPayload } from './bench-jobs.ts';
import { rawStream, rawTarget, runClosedLoop } from './raw-client.ts';

export interface FloorArgs {
  url: string;
  concurrency: number;
  requests: number;
  tokens: number;
}

export interface FloorOutput {
  ok: number;
  errors: number;
  ttftMs: number[];
}

async function main(args: FloorArgs): Promise<FloorOutput> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: args.concurrency });
  const target = rawTarget(args.url);
  const payload = benchPayload(args.tokens);
  const out: FloorOutput = { ok: 0, errors: 0, ttftMs: [] };
  await runClosedLoop(args.requests, args.concurrency, () => rawStream(agent, target, payload), (r) => {
    if (!r.ok || r.firstTok === null) {
      out.errors++;
      return;
    }
    out.ok++;
    out.ttftMs.push(r.firstTok - r.send);
  });
  agent.destroy();
  return out;
}

process.stdout.write(JSON.stringify(await main(JSON.parse(process.argv[2]) as FloorArgs)) + '\n');
