import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExternalSorter } from '../../src/report/index.ts';
import { seededRandom as rng } from '../../src/grade/statistics/seeded-random.ts';

const root = mkdtempSync(join(tmpdir(), 'evalbench-sort-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Rec {
  key: number;
  /** Insertion order: ties on key must come out in it. */
  seq: number;
  text: string;
}

const byKey = (a: Rec, b: Rec) => a.key - b.key;

async function collect(it: AsyncIterable<Rec>): Promise<Rec[]> {
  const out: Rec[] = [];
  for await (const r of it) out.push(r);
  return out;
}

function records(n: number, seed: number): Rec[] {
  const rand = rng(seed);
  // Few distinct keys: many ties, so stability across runs is really tested.
  return Array.from({ length: n }, (_, seq) => ({ key: Math.floor(rand() * 50), seq, text: `r${seq} "é" \u2028 \uD83D\uDE00` }));
}

describe('ExternalSorter', () => {
  it('keeps small inputs in memory: nothing written', async () => {
    const dir = mkdtempSync(join(root, 'small-'));
    const s = new ExternalSorter<Rec>({ compare: byKey, tempParent: dir, maxRecords: 1000 });
    const input = records(500, 1);
    for (const r of input) await s.add(r);
    expect(await collect(s.sorted())).toEqual([...input].sort(byKey));
    expect(s.spilledRuns).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    await s.close();
  });

  it('spills sorted runs past its buffer and merges them into one stable order, more than once', async () => {
    const dir = mkdtempSync(join(root, 'big-'));
    // 20,050 records, 100 in memory at once: 200 runs (more than one merge round takes) and 50 left in memory.
    const s = new ExternalSorter<Rec>({ compare: byKey, tempParent: dir, maxRecords: 100 });
    const input = records(20_050, 2);
    for (const r of input) await s.add(r);
    expect(s.spilledRuns).toBe(200);
    const expected = [...input].sort(byKey); // Array sort is stable: ties in insertion order
    expect(await collect(s.sorted())).toEqual(expected);
    expect(await collect(s.sorted())).toEqual(expected);
    expect(readdirSync(dir)).toHaveLength(1); // its private temporary folder
    await s.close();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('spills on size too: a few large records are enough', async () => {
    const dir = mkdtempSync(join(root, 'chars-'));
    const s = new ExternalSorter<Rec>({ compare: byKey, tempParent: dir, maxRecords: 10_000, maxChars: 50_000 });
    const input = records(40, 3).map((r) => ({ ...r, text: 'x'.repeat(10_000) }));
    for (const r of input) await s.add(r);
    expect(s.spilledRuns).toBeGreaterThanOrEqual(7);
    expect(await collect(s.sorted())).toEqual([...input].sort(byKey));
    await s.close();
  });
});
