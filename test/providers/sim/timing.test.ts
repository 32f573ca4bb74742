import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MODELS, PromptCache, planResponse, promptKey, startSimulator, type RunningSimulator,
} from '../../../src/providers/sim/index.ts';
import type { SimRequest } from '../../../src/providers/sim/request-parse.ts';
import { PLAIN_ANSWER } from '../../../src/providers/sim/request-tools.ts';
import { postChat, readEvents, simpleBody } from './sse-read.ts';
import { monotonicOffsetMs, type SimTiming } from '../../../src/providers/sim/timing-log.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
  // Warm the HTTP stack and the tokenizer so the first measured request is not a cold start.
  await readEvents(await postChat(sim.url, simpleBody('instant', 'warm up')));
});
afterAll(() => sim.close());

const isToken = (data: string) => /"(content|reasoning_content)":"[^"]/.test(data);

describe('injected delays', () => {
  it('the first token arrives no earlier than x-sim-ttft-ms, and not much later', async () => {
    for (const ttft of [50, 150]) {
      const sent = performance.now();
      const res = await postChat(sim.url, simpleBody('fast', 'Tell me about DNS.'), { 'x-sim-ttft-ms': String(ttft), 'x-sim-itl-ms': '1' });
      const events = await readEvents(res);
      const first = events.find((e) => isToken(e.data))!;
      const measured = first.at - sent;
      expect(measured).toBeGreaterThanOrEqual(ttft);
      expect(measured).toBeLessThan(ttft + 250); // wide: 2 shared cores, other tests beside
      // The role-only chunk is sent at once (a loaded machine may still deliver it late).
      expect(JSON.parse(events[0].data).choices[0].delta).toEqual({ role: 'assistant', content: '' });
      expect(events[0].at).toBeLessThanOrEqual(first.at);
    }
  });

  it('inter-token gaps follow x-sim-itl-ms and the schedule does not drift', async () => {
    const itl = 10;
    const sent = performance.now();
    const events = await readEvents(
      await postChat(sim.url, simpleBody('fast', 'Tell me about HTTP caching.'), { 'x-sim-ttft-ms': '20', 'x-sim-itl-ms': String(itl) }),
    );
    const times = events.filter((e) => isToken(e.data)).map((e) => e.at);
    expect(times.length).toBeGreaterThan(20);
    // The gaps between distinct socket reads: events that arrive in one read share a stamp (a
    // busy reader, not the server), so each read's span is divided over the events it brought.
    const reads = [...new Set(times)];
    const perRead = reads.slice(1).map((t, i) => (t - reads[i]) / times.filter((x) => x === t).length).sort((a, b) => a - b);
    const median = perRead[Math.floor(perRead.length / 2)];
    expect(median).toBeGreaterThan(itl - 3);
    expect(median).toBeLessThan(itl + 5);
    // Absolute schedule: the last token is due at ttft + (n-1)*itl, however late single timers fire.
    const due = 20 + (times.length - 1) * itl;
    expect(times.at(-1)! - sent).toBeGreaterThanOrEqual(due - 1);
    expect(times.at(-1)! - sent).toBeLessThan(due + 250); // wide: 2 shared cores
  });

  it('fixedTtftMs / fixedItlMs options apply to every request, and non-streaming waits the whole time', async () => {
    const s = await startSimulator({ fixedTtftMs: 80, fixedItlMs: 2 });
    try {
      const sent = performance.now();
      const res = await postChat(s.url, { model: 'slow', messages: [{ role: 'user', content: 'Uppercase abc' }] });
      const body = await res.json();
      const elapsed = performance.now() - sent;
      expect(res.headers.get('x-sim-ttft-ms')).toBe('80.000');
      const n = body.usage.completion_tokens as number;
      expect(elapsed).toBeGreaterThanOrEqual(80 + (n - 1) * 2);
      expect(elapsed).toBeLessThan(80 + (n - 1) * 2 + 100);
    } finally {
      await s.close();
    }
  });

  it('serves many concurrent streams on one schedule each', async () => {
    const n = 64;
    const round = (ttft: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          postChat(sim.url, simpleBody('fast', `Reply with exactly: stream number ${i} is here`), { 'x-sim-ttft-ms': String(ttft), 'x-sim-itl-ms': '5' }).then(readEvents),
        ),
      );
    await round(0); // opens n keep-alive connections: connecting is client cost, not what is measured here
    const sent = performance.now();
    const all = await round(100);
    for (const events of all) {
      const first = events.find((e) => isToken(e.data))!;
      expect(first.at - sent).toBeGreaterThanOrEqual(100);
      expect(events.at(-1)!.data).toBe('[DONE]');
    }
    // All 64 were in flight together: the batch took far less than 64 requests one after another
    // (each at least 100 ms + its tokens), however busy the machine (maxInFlight below is the proof).
    expect(performance.now() - sent).toBeLessThan((n * (100 + 12 * 5)) / 2);
    expect(sim.stats().maxInFlight).toBeGreaterThanOrEqual(n / 2);
  });
});

describe('model table overrides', () => {
  it('overrides a built-in model and adds a new one', async () => {
    const s = await startSimulator({
      models: {
        fast: { ttft: { meanMs: 33, sigma: 0 }, prefillMsPer1kTokens: 0 },
        turbo: { ttft: { meanMs: 12, sigma: 0 }, itl: { meanMs: 1, sigma: 0 }, itlSpike: { rate: 0, ms: 0 }, prefillMsPer1kTokens: 0 },
      },
    });
    try {
      const ids = ((await (await fetch(`${s.url}/models`)).json()).data as Array<{ id: string }>).map((m) => m.id);
      expect(ids).toContain('turbo');
      expect(ids).toContain('reasoner');
      const fast = await postChat(s.url, simpleBody('fast', 'Uppercase abc'));
      expect(fast.headers.get('x-sim-ttft-ms')).toBe('33.000');
      await fast.arrayBuffer();
      const turbo = await postChat(s.url, simpleBody('turbo', 'Tell me about tea.'));
      expect(turbo.headers.get('x-sim-ttft-ms')).toBe('12.000');
      const events = await readEvents(turbo);
      const tokens = events.filter((e) => isToken(e.data)).length;
      expect(Number(turbo.headers.get('x-sim-decode-ms'))).toBeCloseTo(tokens - 1, 6);
    } finally {
      await s.close();
    }
  });
});

describe('delay distributions (seeded)', () => {
  function stats(model: string, n = 400) {
    const ttfts: number[] = [];
    const gaps: number[] = [];
    for (let i = 0; i < n; i++) {
      const req: SimRequest = {
        model, messages: [{ role: 'user', text: `Tell me about topic ${i}.`, images: 0 }], stream: true, includeUsage: true,
        effort: undefined, maxTokens: undefined, seed: undefined, stop: [], ...PLAIN_ANSWER,
      };
      const p = planResponse({
        seed: 42, modelName: model, model: DEFAULT_MODELS[model], request: req, sample: '', promptKey: promptKey(req), occurrence: 0,
        promptCache: new PromptCache(),
      });
      ttfts.push(p.ttftMs);
      gaps.push(...p.gapsMs);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sorted = [...ttfts].sort((a, b) => a - b);
    return { ttftMean: mean(ttfts), ttftP10: sorted[Math.floor(n * 0.1)], ttftP90: sorted[Math.floor(n * 0.9)], itlMean: mean(gaps) };
  }

  it('fast and slow models are centred on their table means, with spread', () => {
    const fast = stats('fast');
    const slow = stats('slow');
    expect(fast.ttftMean).toBeGreaterThan(40 * 0.85);
    expect(fast.ttftMean).toBeLessThan(40 * 1.15 + 2);
    expect(fast.itlMean).toBeGreaterThan(4 * 0.9);
    expect(fast.itlMean).toBeLessThan(4 * 1.1 + 0.2); // + the rare spikes
    expect(slow.ttftMean).toBeGreaterThan(300 * 0.85);
    expect(slow.ttftMean).toBeLessThan(300 * 1.15 + 5);
    expect(slow.itlMean).toBeGreaterThan(25 * 0.9);
    expect(fast.ttftP90 / fast.ttftP10).toBeGreaterThan(1.3); // a distribution, not a constant
  });
});

describe('its own timing record (x-sim-record-timing, GET /sim/timings)', () => {
  const timingsUrl = () => new URL('/sim/timings', sim.url);

  it('records when asked, keyed by the prompt, on the machine-wide monotonic clock; a read forgets them', async () => {
    await fetch(timingsUrl()); // whatever earlier tests left
    const before = Number(process.hrtime.bigint()) / 1e6;
    const sent = performance.now();
    await readEvents(await postChat(sim.url, simpleBody('fast', 'timed #1'), { 'x-sim-ttft-ms': '40', 'x-sim-record-timing': '1' }));
    const received = performance.now();
    await readEvents(await postChat(sim.url, simpleBody('fast', 'not timed'), { 'x-sim-ttft-ms': '5' }));
    const after = Number(process.hrtime.bigint()) / 1e6;

    const first = (await (await fetch(timingsUrl())).json()) as { timings: SimTiming[]; dropped: number };
    expect(first.dropped).toBe(0);
    expect(first.timings.map((t) => t.key)).toEqual(['timed #1']);
    const t = first.timings[0];
    expect(t.ttft_ms).toBeGreaterThanOrEqual(40);
    expect(t.ttft_ms).toBeLessThan(received - sent); // the server's TTFT is inside what the client saw
    expect(t.sent_at_ms - t.recv_at_ms).toBeCloseTo(t.ttft_ms, 6);
    expect(t.recv_at_ms).toBeGreaterThan(before);
    expect(t.sent_at_ms).toBeLessThan(after);
    const again = (await (await fetch(timingsUrl())).json()) as { timings: SimTiming[] };
    expect(again.timings).toEqual([]);
  });

  it('monotonicOffsetMs maps performance.now() onto process.hrtime', () => {
    const offset = monotonicOffsetMs();
    const h = Number(process.hrtime.bigint()) / 1e6;
    expect(Math.abs(performance.now() + offset - h)).toBeLessThan(1);
  });
});
