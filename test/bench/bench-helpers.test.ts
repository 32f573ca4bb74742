// Pure helpers of `npm run bench` (bench/): the numbers the bench reports are only as good as these.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { memoryGrowth, offsetSummary, overheadAbove } from '../../bench/distribution.ts';
import { medianOverhead } from '../../bench/precision.ts';
import { isRawTokenEvent, splitEvents } from '../../bench/raw-client.ts';
import { benchConfig, parseScale, parseSections, SECTIONS } from '../../bench/config.ts';
import { chunkFixed, chunkPerEvent, parseAndMeasure, syntheticStream } from '../../bench/micro.ts';
import { fmt, renderTable } from '../../bench/table.ts';
import { taskStats } from '../../bench/tinybench-result.ts';
import { liveHeapFromTraceGc, scaleSuiteYaml } from '../../bench/scale.ts';
import { checkGoals } from '../../bench/goals.ts';
import { loadSuite } from '../../src/suite/index.ts';
import { planJobs } from '../../src/plan/index.ts';

describe('offsetSummary / overheadAbove', () => {
  it('summarises measured minus injected', () => {
    const s = offsetSummary([21, 22, 23, 24, 120], 20);
    expect(s.count).toBe(5);
    expect(s.p50).toBe(3);
    expect(s.max).toBe(100);
    // linear interpolation between the two top ranks: 4 + 0.96 * 96
    expect(s.p99).toBeCloseTo(4 + 0.96 * 96, 9);
  });
  it('overhead is ours minus floor per percentile, null when either is missing', () => {
    const ours = offsetSummary([2, 3, 4], 0);
    const floor = offsetSummary([1, 1, 1], 0);
    expect(overheadAbove(ours, floor).p50).toBe(2);
    expect(overheadAbove(ours, offsetSummary([], 0))).toEqual({ p50: null, p99: null });
  });
});

describe('memoryGrowth', () => {
  it('scales growth to MB per 100k jobs between the two largest runs', () => {
    // the 1k run's low start-up figure is not counted as growth
    const g = memoryGrowth([{ jobs: 100_000, peakRssMb: 150 }, { jobs: 1_000, peakRssMb: 60 }, { jobs: 10_000, peakRssMb: 125 }]);
    expect(g.mbPer100kJobs).toBeCloseTo((25 / 90_000) * 100_000, 9);
    expect(g.flat).toBe(true);
    expect(g.between).toEqual([10_000, 100_000]);
  });
  it('flags growth at or above the tolerance', () => {
    expect(memoryGrowth([{ jobs: 1_000, peakRssMb: 100 }, { jobs: 101_000, peakRssMb: 400 }]).flat).toBe(false);
  });
  it('cannot judge from one point', () => {
    expect(memoryGrowth([{ jobs: 1_000, peakRssMb: 100 }])).toEqual({ mbPer100kJobs: null, flat: null, between: null });
  });
});

describe('raw client SSE scan', () => {
  it('splits complete events and keeps the unfinished rest', () => {
    expect(splitEvents('data: a\n\ndata: b\n\ndata: c')).toEqual({ events: ['data: a', 'data: b'], rest: 'data: c' });
    expect(splitEvents('data: x')).toEqual({ events: [], rest: 'data: x' });
  });
  it('counts only non-empty content deltas as tokens', () => {
    expect(isRawTokenEvent('data: {"choices":[{"delta":{"role":"assistant","content":""}}]}')).toBe(false);
    expect(isRawTokenEvent('data: {"choices":[{"delta":{"content":"Hi"}}]}')).toBe(true);
    expect(isRawTokenEvent('data: {"choices":[{"delta":{"content":"\\"q"}}]}')).toBe(true);
    expect(isRawTokenEvent('data: [DONE]')).toBe(false);
  });
});

describe('config', () => {
  it('defaults to every section at full size', () => {
    const c = benchConfig({});
    expect(c.size).toBe('full');
    expect([...c.sections]).toEqual([...SECTIONS]);
    expect(c.scale.jobs).toEqual([1_000, 10_000, 100_000]);
    expect(c.precision.levels.map((l) => l.concurrency)).toEqual([1, 64, 256]);
  });
  it('quick is smaller everywhere it matters', () => {
    const q = benchConfig({ BENCH_SCALE: 'quick' });
    const f = benchConfig({});
    expect(Math.max(...q.scale.jobs)).toBeLessThan(Math.max(...f.scale.jobs));
    expect(q.throughput.durationSec).toBeLessThan(f.throughput.durationSec);
  });
  it('rejects unknown sections and scales', () => {
    expect([...parseSections('micro, scale')]).toEqual(['micro', 'scale']);
    expect(() => parseSections('micro,nope')).toThrow(/nope/);
    expect(() => parseScale('huge')).toThrow(/quick or full/);
  });
});

describe('micro inputs', () => {
  it('the synthetic stream has exactly the asked number of events and parses completely', async () => {
    const body = syntheticStream(1_000);
    const perEvent = chunkPerEvent(body);
    expect(perEvent).toHaveLength(1_000);
    expect(Buffer.concat(perEvent).equals(body)).toBe(true);
    const acc = await parseAndMeasure(perEvent);
    expect(acc.sawDone).toBe(true);
    expect(acc.tokenTimes).toHaveLength(997);
    expect(acc.finishReason).toBe('stop');
    // bulk reads cut events mid-way: the parser must reassemble the same answer
    const bulk = await parseAndMeasure(chunkFixed(body, 1000));
    expect(bulk.content).toBe(acc.content);
    expect(bulk.tokenTimes).toHaveLength(997);
  });
});

describe('tinybench result adapter', () => {
  it('reads v2 results', () => {
    expect(taskStats({ name: 'a', result: { hz: 100, mean: 10, samples: [1, 2, 3] } })).toEqual({ hz: 100, meanMs: 10, samples: 3 });
  });
  it('reads v6 results', () => {
    const r = { state: 'completed', throughput: { mean: 50 }, latency: { mean: 20, samplesCount: 7 } };
    expect(taskStats({ name: 'b', result: r })).toEqual({ hz: 50, meanMs: 20, samples: 7 });
  });
  it('surfaces task errors', () => {
    expect(() => taskStats({ name: 'c', result: { error: new Error('boom') } })).toThrow('boom');
    expect(() => taskStats({ name: 'd', result: { state: 'errored' } })).toThrow(/errored/);
    expect(() => taskStats({ name: 'e' })).toThrow(/no result/);
  });
});

describe('fmt', () => {
  it('never prints a negative zero', () => {
    expect(fmt(-0.0001, 3)).toBe('0.000');
    expect(fmt(-0.0006, 3)).toBe('-0.001');
    expect(fmt(null)).toBe('-');
  });
});

describe('renderTable', () => {
  it('right-aligns numeric columns and left-aligns text', () => {
    const t = renderTable('T', ['name', 'n'], [['a', '1,000'], ['bbb', '5']]).split('\n');
    expect(t[0]).toBe('T');
    expect(t[3]).toBe('a     1,000');
    expect(t[4]).toBe('bbb       5');
  });
});

describe('scale suite', () => {
  it('is a valid suite that plans the asked number of jobs', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-suite-'));
    try {
      const file = path.join(dir, 'suite.yaml');
      writeFileSync(file, scaleSuiteYaml('http://127.0.0.1:9/v1', 1_000, 64, 4));
      const suite = await loadSuite(file);
      const jobs = planJobs(suite);
      expect(jobs).toHaveLength(1_000);
      expect(suite.concurrency).toBe(64);
      expect(jobs[0].params.max_completion_tokens).toBe(4);
      expect(jobs[0].provider).toBe('bench');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('goals', () => {
  it('judges what was measured and marks the rest n/a', () => {
    const checks = checkGoals({ wallSec: 100 });
    expect(checks.filter((c) => c.met === null)).toHaveLength(4);
    expect(checks.at(-1)).toMatchObject({ met: true });
    expect(checkGoals({ wallSec: 400 }).at(-1)).toMatchObject({ met: false });
  });
});

describe('medianOverhead', () => {
  it('takes each percentile\'s median over the rounds that measured it, so one disturbed round does not decide', () => {
    const rounds = [{ p50: 0.2, p99: 1.5 }, { p50: 0.3, p99: 40 }, { p50: 0.1, p99: 1.1 }, { p50: null, p99: null }];
    expect(medianOverhead(rounds)).toEqual({ p50: 0.2, p99: 1.5 });
    expect(medianOverhead([{ p50: 1, p99: 2 }, { p50: 3, p99: 6 }])).toEqual({ p50: 2, p99: 4 });
    expect(medianOverhead([])).toEqual({ p50: null, p99: null });
  });
});

describe('liveHeapFromTraceGc', () => {
  it('takes the largest heap left after a full GC from --trace-gc lines, ignoring scavenges', () => {
    const lines = [
      '[123:0x5a1c2d0]      812 ms: Scavenge 40.1 (48.2) -> 30.2 (49.0) MB, 1.20 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
      '[123:0x5a1c2d0]     1920 ms: Mark-Compact 150.2 (170.1) -> 35.1 (60.3) MB, 12.1 / 0.0 ms  (+ 5.2 ms in 40 steps since start of marking) finalize incremental marking; ',
      '[123:0x5a1c2d0]     5100 ms: Mark-Compact (reduce) 120.0 (150.0) -> 36.4 (55.0) MB, 9.0 / 0.0 ms  (average mu = 0.9) memory reducer; ',
      '[123:0x7f00c0000f00]   30 ms: Mark-Compact 5.0 (6.0) -> 2.0 (4.0) MB, 1.0 / 0.0 ms  (worker); ',
    ];
    expect(liveHeapFromTraceGc(lines)).toBe(36.4);
    expect(liveHeapFromTraceGc(lines.slice(0, 1))).toBeNull();
  });
});
