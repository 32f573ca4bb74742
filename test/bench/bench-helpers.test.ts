// Pure helpers of `npm run bench` (bench/): the numbers the bench reports are only as good as these.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { memoryGrowth, offsetSummary, overheadAbove } from '../../bench/distribution.ts';
import { fmtSpread, ratio, spread } from '../../bench/spread.ts';
import { clientCost, serverRate } from '../../bench/throughput.ts';
import { arrivalRate } from '../../bench/open-loop.ts';
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
  it('defaults to every section at full size, 64 streams, at least 5 paired rounds', () => {
    const c = benchConfig({});
    expect(c.size).toBe('full');
    expect([...c.sections]).toEqual([...SECTIONS]);
    expect(c.memory.jobs).toEqual([10_000, 100_000, 1_000_000]); // the two goals, and 10k for the growth
    expect(c.memory.rounds).toBeGreaterThanOrEqual(5);
    expect(c.paired.concurrency).toBe(64);
    expect(c.paired.rounds).toBeGreaterThanOrEqual(5);
    expect(c.throughput.rounds).toBeGreaterThanOrEqual(5);
    expect(c.openLoop.rounds).toBeGreaterThanOrEqual(5); // every goal is judged on a median over >= 5 rounds
    expect(c.paired.server.tokens).toBe(16);
  });
  it('quick (flag or env) is smaller everywhere it matters, still 5 rounds', () => {
    const q = benchConfig({}, ['--quick']);
    const f = benchConfig({});
    expect(q.size).toBe('quick');
    expect(benchConfig({ BENCH_SCALE: 'quick' }).size).toBe('quick');
    expect(Math.max(...q.memory.jobs)).toBeLessThan(Math.max(...f.memory.jobs));
    expect(q.throughput.requestsPerRound).toBeLessThan(f.throughput.requestsPerRound);
    expect(q.paired.rounds).toBeGreaterThanOrEqual(5);
  });
  it('rejects unknown sections and scales', () => {
    expect([...parseSections('micro, memory')]).toEqual(['micro', 'memory']);
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
  it('marks what was not measured n/a', () => {
    const checks = checkGoals({});
    expect(checks.every((c) => c.met === null)).toBe(true);
  });
  it('judges the median over rounds and says by how much a goal is missed', () => {
    const paired = { overheadP50: spread([0.2, 0.3, 0.4]), overheadP99: spread([1, 9, 30]) } as never;
    const [p50, p99] = checkGoals({ paired });
    expect(p50).toMatchObject({ met: true });
    expect(p99).toMatchObject({ met: false, missedBy: '7.000 ms' });
    const throughput = { concurrency: 64, oursVsAutocannon: spread([0.1, 0.2, 0.3]), cpuRatio: spread([1.5]), allocRatio: spread([3]) } as never;
    const c = checkGoals({ throughput });
    expect(c.find((g) => g.goal.includes('autocannon'))).toMatchObject({ met: false, missedBy: '40%' });
    expect(c.find((g) => g.goal.startsWith('CPU'))).toMatchObject({ met: true });
    expect(c.find((g) => g.goal.startsWith('heap'))).toMatchObject({ met: false, missedBy: '1.00x' });
  });
});

describe('rounds and rates', () => {
  it('spread: median and range over rounds, ignoring rounds that measured nothing', () => {
    expect(spread([3, 1, null, 2])).toMatchObject({ median: 2, min: 1, max: 3 });
    expect(spread([1, 4])).toMatchObject({ median: 2.5 });
    expect(spread([null]).median).toBeNull();
    expect(fmtSpread(spread([0.5, -0.25, 1]), 2, ' ms', true)).toBe('+0.50 ms [-0.25–+1.00]');
    expect(ratio(1, 0)).toBeNull();
  });
  it('serverRate: completed over first arrival -> last end', () => {
    expect(serverRate({ posts: 10, completed: 10, firstArrival: 1_000, lastEnd: 3_000 })).toBe(5);
    expect(serverRate({ posts: 0, completed: 0, firstArrival: null, lastEnd: null })).toBeNull();
  });
  it('arrivalRate counts arrivals in the window after the first one only', () => {
    expect(arrivalRate([100, 600, 1_099, 1_100, 5_000], 1)).toBe(3);
    expect(arrivalRate([], 1)).toBeNull();
  });
  it('clientCost: CPU per 1,000 requests and KB allocated per request from the probe window', () => {
    const probe = { maxRssKb: 1, cpuUserUs: 0, cpuSystemUs: 0, window: { requests: 2_000, ms: 1, cpuUs: 600_000, allocatedBytes: 2_048_000, gcs: 1, gcPauseMaxMs: 1, gcPauseSumMs: 1 } };
    expect(clientCost(probe)).toEqual({ cpuMsPer1000: 300, allocKbPerRequest: 1 });
    expect(clientCost(null)).toEqual({ cpuMsPer1000: null, allocKbPerRequest: null });
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
