import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonlSink, readJsonlRows } from '../../src/report/index.ts';
import { FLUSH_AFTER_MS } from '../../src/results/jsonl-sink.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { makeRow } from './make-row.ts';

const dir = mkdtempSync(join(tmpdir(), 'evalbench-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `r${n++}.jsonl`);

async function readAll(path: string) {
  const reader = readJsonlRows(path);
  const rows: ResultRow[] = [];
  for await (const r of reader) rows.push(r);
  return { rows, stats: reader.stats };
}

describe('JsonlSink', () => {
  it('puts queued rows on disk in one write within FLUSH_AFTER_MS, one JSON line each', async () => {
    const path = fresh();
    const sink = JsonlSink.open(path);
    sink.write(makeRow({ job_id: 'a' }));
    sink.write(makeRow({ job_id: 'a2' }));
    expect(readFileSync(path, 'utf8')).toBe(''); // queued
    await new Promise((r) => setTimeout(r, FLUSH_AFTER_MS + 5));
    // Read before close: nothing may sit in a process buffer past the flush delay.
    expect(readFileSync(path, 'utf8').split('\n')).toEqual([JSON.stringify(makeRow({ job_id: 'a' })), JSON.stringify(makeRow({ job_id: 'a2' })), '']);
    sink.write(makeRow({ job_id: 'b', output: 'line1\nline2 "q", é😀' }));
    sink.flush();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[2]).output).toBe('line1\nline2 "q", é😀');
    expect(sink.rowsWritten).toBe(3);
    sink.close();
    sink.close(); // idempotent
    expect(() => sink.write(makeRow())).toThrow(/after close/);
  });

  it('keeps row order when a row is too long for the queue, and many rows that fill it', () => {
    const path = fresh();
    const sink = JsonlSink.open(path);
    const huge = 'é😀"\n'.repeat(40_000); // > 256 KB encoded
    sink.write(makeRow({ job_id: 'a' }));
    sink.write(makeRow({ job_id: 'b', output: huge }));
    for (let i = 0; i < 500; i++) sink.write(makeRow({ job_id: `c${i}`, output: 'x'.repeat(1000) }));
    sink.close();
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ResultRow);
    expect(lines.map((r) => r.job_id)).toEqual(['a', 'b', ...Array.from({ length: 500 }, (_, i) => `c${i}`)]);
    expect(lines[1].output).toBe(huge);
  });

  it('creates the file with mode 0600 and tightens an existing one', () => {
    const path = fresh();
    writeFileSync(path, '', { mode: 0o644 });
    JsonlSink.open(path).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const created = fresh();
    JsonlSink.open(created).close();
    expect(statSync(created).mode & 0o777).toBe(0o600);
  });

  it('starts afresh by default and keeps rows with append', async () => {
    const path = fresh();
    let s = JsonlSink.open(path);
    s.write(makeRow({ job_id: 'old' }));
    s.close();
    s = JsonlSink.open(path, { append: true });
    s.write(makeRow({ job_id: 'new' }));
    s.close();
    expect((await readAll(path)).rows.map((r) => r.job_id)).toEqual(['old', 'new']);
    JsonlSink.open(path).close();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('append cuts a torn last line so the next row starts clean', async () => {
    const path = fresh();
    const s = JsonlSink.open(path);
    s.write(makeRow({ job_id: 'a' }));
    s.close();
    const torn = JSON.stringify(makeRow({ job_id: 'torn' })).slice(0, 40);
    appendFileSync(path, torn);
    const s2 = JsonlSink.open(path, { append: true });
    expect(s2.repairedBytes).toBe(Buffer.byteLength(torn));
    s2.write(makeRow({ job_id: 'b' }));
    s2.close();
    const { rows, stats } = await readAll(path);
    expect(rows.map((r) => r.job_id)).toEqual(['a', 'b']);
    expect(stats.tornLines).toBe(0);
  });

  it('append over a file holding only a torn line empties it', async () => {
    const path = fresh();
    writeFileSync(path, '{"job_id":"x","sui');
    const s = JsonlSink.open(path, { append: true });
    expect(s.repairedBytes).toBe(18);
    s.write(makeRow({ job_id: 'y' }));
    s.close();
    expect((await readAll(path)).rows.map((r) => r.job_id)).toEqual(['y']);
  });

  it('keeps up with thousands of rows a second', async () => {
    const path = fresh();
    const s = JsonlSink.open(path);
    const t0 = performance.now();
    for (let i = 0; i < 3000; i++) s.write(makeRow({ job_id: `j${i}`, output: 'x'.repeat(200) }));
    const ms = performance.now() - t0;
    s.close();
    expect(ms).toBeLessThan(3000); // > 1,000 rows/s even on a loaded machine
    const { rows } = await readAll(path);
    expect(rows).toHaveLength(3000);
    expect(rows[2999].job_id).toBe('j2999');
  });
});

describe('readJsonlRows', () => {
  it('skips and counts a torn last line', async () => {
    const path = fresh();
    const full = [makeRow({ job_id: 'a' }), makeRow({ job_id: 'b' })].map((r) => JSON.stringify(r) + '\n').join('');
    writeFileSync(path, full + JSON.stringify(makeRow({ job_id: 'c' })).slice(0, 55));
    const { rows, stats } = await readAll(path);
    expect(rows.map((r) => r.job_id)).toEqual(['a', 'b']);
    expect(stats).toEqual({ rows: 2, blankLines: 0, tornLines: 1 });
  });

  it('accepts a complete last line without newline, blank lines and CRLF', async () => {
    const path = fresh();
    writeFileSync(path, `${JSON.stringify(makeRow({ job_id: 'a' }))}\r\n\n${JSON.stringify(makeRow({ job_id: 'b' }))}`);
    const { rows, stats } = await readAll(path);
    expect(rows.map((r) => r.job_id)).toEqual(['a', 'b']);
    expect(stats).toEqual({ rows: 2, blankLines: 1, tornLines: 0 });
  });

  it('rejects a damaged line that is not the last, naming file and line', async () => {
    const path = fresh();
    writeFileSync(path, `${JSON.stringify(makeRow())}\n{"job_id": oops\n${JSON.stringify(makeRow())}\n`);
    await expect(readAll(path)).rejects.toMatchObject({ code: 'RESULTS_FILE_INVALID', message: expect.stringContaining(`${path}:2:`) });
  });

  it('rejects a line that is JSON but not an object', async () => {
    const path = fresh();
    writeFileSync(path, '[1,2]\n');
    await expect(readAll(path)).rejects.toMatchObject({ code: 'RESULTS_FILE_INVALID' });
  });

  it('decodes multi-byte characters split across read chunks', async () => {
    const path = fresh();
    const output = 'é€😀'.repeat(30_000); // > 64 KiB: several stream chunks
    const s = JsonlSink.open(path);
    s.write(makeRow({ output }));
    s.write(makeRow({ job_id: 'next' }));
    s.close();
    const { rows } = await readAll(path);
    expect(rows[0].output).toBe(output);
    expect(rows[1].job_id).toBe('next');
  });
});
