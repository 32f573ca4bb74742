import { describe, expect, it } from 'vitest';
import { GoodputCounter, formatSlo, parseSlo, sloMisses, type GoodputRow } from '../../src/measure/goodput.ts';

const ok = (over: Partial<GoodputRow> = {}): GoodputRow => ({
  status: 'ok', error_type: null, latency_ms: 1000, started_at: null, ttft_ms: 100, tpot_ms: 10, ...over,
});

describe('parseSlo', () => {
  it('parses the issue example and output_tps as a minimum', () => {
    expect(parseSlo('ttft_ms=500,tpot_ms=50,latency_ms=10000')).toEqual({ ttft_ms: 500, tpot_ms: 50, latency_ms: 10000 });
    const slo = parseSlo(' ttft_ms = 250 , output_tps=20 ');
    expect(slo).toEqual({ ttft_ms: 250, output_tps: 20 });
    expect(formatSlo(slo)).toBe('ttft_ms<=250, output_tps>=20');
  });

  it('refuses bad input with BAD_SLO', () => {
    for (const bad of ['', 'ttft=500', 'ttft_ms', 'ttft_ms=abc', 'ttft_ms=0', 'ttft_ms=-5', 'ttft_ms=1,ttft_ms=2']) {
      expect(() => parseSlo(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_SLO' }));
    }
  });
});

describe('goodput', () => {
  const slo = parseSlo('ttft_ms=500,tpot_ms=50,latency_ms=10000');

  it('a request meets the SLO only if it meets every bound; errors miss them all', () => {
    expect(sloMisses(ok(), slo)).toEqual([]);
    expect(sloMisses(ok({ ttft_ms: 501 }), slo)).toEqual(['ttft_ms']);
    expect(sloMisses(ok({ ttft_ms: 500, latency_ms: 10000 }), slo)).toEqual([]); // bounds are inclusive
    expect(sloMisses(ok({ tpot_ms: null }), slo)).toEqual([]); // one-token answer: no TPOT to miss
    expect(sloMisses(ok({ ttft_ms: null }), slo)).toEqual(['ttft_ms']); // cannot be shown to meet it
    expect(sloMisses({ status: 'error', error_type: 'timeout', latency_ms: null, started_at: null }, slo)).toEqual(['ttft_ms', 'tpot_ms', 'latency_ms']);
    expect(sloMisses(ok({ output_tps: 15 }), { output_tps: 20 })).toEqual(['output_tps']);
  });

  it('counts share and rate; skipped, warm-up, cached and incomplete rows are left out', () => {
    const c = new GoodputCounter(slo);
    const base = 1_700_000_000_000;
    const rows: GoodputRow[] = [
      ok({ send_epoch_ms: base, last_token_epoch_ms: base + 1000 }),
      ok({ send_epoch_ms: base + 1000, last_token_epoch_ms: base + 2000 }),
      ok({ ttft_ms: 900, send_epoch_ms: base + 1500, last_token_epoch_ms: base + 4000 }),
      { status: 'error', error_type: 'server_error', latency_ms: 5, started_at: null },
      { status: 'skipped', error_type: 'budget', latency_ms: null, started_at: null },
      { status: 'error', error_type: 'incomplete', latency_ms: 50, started_at: null },
      ok({ warmup: true }),
      ok({ cached: true }),
    ];
    for (const r of rows) c.add(r);
    const own = c.result();
    expect(own).toMatchObject({ met: 2, total: 4, share: 0.5, errors: 1, window_ms: 4000 });
    expect(own.rate_per_s).toBeCloseTo(0.5, 9);
    expect(own.misses_by_slo).toEqual({ ttft_ms: 2, tpot_ms: 1, latency_ms: 1 });
    expect(c.result(2000).rate_per_s).toBeCloseTo(1, 9);
    expect(new GoodputCounter(slo).result()).toMatchObject({ total: 0, share: null, rate_per_s: null });
  });
});
