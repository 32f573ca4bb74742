// Coalesced ITL gaps end to end: a server that writes three token events in one write (one
// socket read on the client, so one stamp) and paces the rest. The rows count those gaps apart,
// the ITL percentiles leave them out, the summary reports their share and the run warns.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../../src/session/run-suite.ts';
import type { ResultRow } from '../../src/results/result-row.ts';

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const PACE_MS = 25;

let server: http.Server;
let url: string;
let dir: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '' }));
      // A burst: three token events in one write, so one read: two gaps of one stamp.
      res.write(chunk({ content: 'a ' }) + chunk({ content: 'b ' }) + chunk({ content: 'c ' }));
      setTimeout(() => {
        res.write(chunk({ content: 'd ' }));
        setTimeout(() => res.end(chunk({ content: 'e' }) + chunk({}, 'stop') + 'data: [DONE]\n\n'), PACE_MS);
      }, PACE_MS);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-coalesced-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('coalesced ITL gaps in a run', () => {
  it('are counted per row and per run, left out of ITL, and warned about when they are many', async () => {
    const suiteFile = path.join(dir, 'suite.yaml');
    fs.writeFileSync(suiteFile, [
      'name: coalesced',
      'providers:',
      `  burst: { type: openai-compatible, base_url: "${url}" }`,
      'models: [burst:m]',
      'concurrency: 2',
      'cases:',
      ...Array.from({ length: 4 }, (_, i) => `  - { id: "c${i}", prompt: "say five words ${i}" }`),
    ].join('\n'));
    const warnings: string[] = [];
    const out = await runSuite(suiteFile, { outDir: path.join(dir, 'out'), onWarning: (w) => warnings.push(w) });
    const rows = fs.readFileSync(out.files.jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResultRow);
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.status).toBe('ok');
      // Five token events, four gaps: the burst's two share a stamp (a busy client may merge more).
      expect(r.itl_coalesced! + r.itl_samples.length).toBe(4);
      expect(r.itl_coalesced).toBeGreaterThanOrEqual(2);
      expect(r.itl_samples.every((g) => g > 0)).toBe(true);
      expect(r.itl_p50_ms).toBeGreaterThan(0);
    }
    const gaps = rows.reduce((s, r) => s + r.itl_coalesced!, 0);
    const kept = rows.reduce((s, r) => s + r.itl_samples.length, 0);
    const o = out.summary.overall;
    expect(o.itl_coalesced).toEqual({ gaps, share: gaps / (gaps + kept) });
    expect(o.metrics.itl_ms.count).toBe(kept);
    expect(o.metrics.itl_ms.min).toBeGreaterThan(0);
    // Half the gaps or more came from one read: the run says so, once.
    expect(warnings.filter((w) => w.startsWith('ITL: '))).toHaveLength(1);
    expect(warnings.find((w) => w.startsWith('ITL: '))).toContain('left out of the ITL percentiles');
    expect(fs.readFileSync(out.files.summaryMd, 'utf8')).toMatch(/\d+ coalesced gaps \(\d+\.\d%, one socket read\) left out/);
    expect(fs.readFileSync(out.files.html, 'utf8')).toContain(`${gaps} coalesced gaps (`);
    const csvHeader = fs.readFileSync(out.files.csv, 'utf8').split('\n')[0].split(',');
    expect(csvHeader.indexOf('itl_coalesced')).toBe(csvHeader.indexOf('itl_max_ms') + 1);
  }, 30_000);
});
