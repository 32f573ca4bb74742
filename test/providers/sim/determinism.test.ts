import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MODELS, PromptCache, planResponse, promptKey, startSimulator, type PlanInput, type SimEffort,
} from '../../../src/providers/sim/index.ts';
import type { SimRequest } from '../../../src/providers/sim/request-parse.ts';
import { PLAIN_ANSWER } from '../../../src/providers/sim/request-tools.ts';
import { chunksOf, postChat, readEvents, simpleBody } from './sse-read.ts';

function request(prompt: string, effort?: SimEffort, model = 'fast'): SimRequest {
  return { model, messages: [{ role: 'user', text: prompt, images: 0 }], stream: true, includeUsage: true, effort, maxTokens: undefined, seed: undefined, stop: [], ...PLAIN_ANSWER };
}

function plan(over: Partial<PlanInput> & { prompt: string; effort?: SimEffort }) {
  const modelName = over.modelName ?? 'fast';
  const req = request(over.prompt, over.effort, modelName);
  return planResponse({
    seed: 42, modelName, model: DEFAULT_MODELS[modelName], request: req, sample: '', promptKey: promptKey(req),
    occurrence: 0, promptCache: new PromptCache(), ...over,
  });
}

describe('determinism over HTTP', () => {
  async function transcript(seed: number): Promise<string[]> {
    const sim = await startSimulator({ seed });
    const out: string[] = [];
    try {
      const calls: Array<[string, string, Record<string, unknown>]> = [
        ['fast', 'What is 12 * 12?', {}],
        ['fast', 'What is 12 * 12?', {}], // same request again: new delays, same answer
        ['reasoner', 'What is the capital of Spain?', { reasoning_effort: 'low' }],
        ['flaky', 'Reply with exactly: pong', {}],
        ['slow', 'Reverse the word stressed', { max_completion_tokens: 3 }],
      ];
      for (const [model, prompt, extra] of calls) {
        const res = await postChat(sim.url, simpleBody(model, prompt, extra), { 'x-sim-itl-ms': '0' });
        if (res.status !== 200) {
          out.push(`${model} status ${res.status}`);
          await res.arrayBuffer();
          continue;
        }
        const chunks = chunksOf(await readEvents(res));
        const text = chunks.map((c) => (c.choices?.[0]?.delta?.reasoning_content ?? '') + (c.choices?.[0]?.delta?.content ?? '')).join('');
        const usage = JSON.stringify(chunks.find((c) => c.usage)?.usage);
        out.push(`${model} ttft=${res.headers.get('x-sim-ttft-ms')} | ${text} | ${usage}`);
      }
    } finally {
      await sim.close();
    }
    return out;
  }

  it('replays the same answers, usage and planned delays for the same seed', async () => {
    const a = await transcript(7);
    const b = await transcript(7);
    expect(a).toEqual(b);
    // The repeated request got the same text but its own TTFT draw.
    const [first, second] = [a[0].split(' | '), a[1].split(' | ')];
    expect(second[1]).toBe(first[1]);
    expect(second[0]).not.toBe(first[0]);
  });

  it('changes the delays with another seed', async () => {
    const a = await transcript(7);
    const c = await transcript(8);
    expect(c.map((l) => l.split(' | ')[0])).not.toEqual(a.map((l) => l.split(' | ')[0]));
  });
});

describe('determinism of the plan', () => {
  it('the same inputs give the same schedule; another occurrence or seed another', () => {
    const p = (over: Partial<PlanInput>) => plan({ prompt: 'Tell me about caching.', ...over });
    const a = p({});
    expect(p({})).toEqual(a);
    expect(a.gapsMs.length).toBe(a.answer.length - 1);
    const b = p({ occurrence: 1 });
    expect(b.answerText).toBe(a.answerText);
    expect(b.gapsMs).not.toEqual(a.gapsMs);
    expect(p({ seed: 43 }).ttftMs).not.toBe(a.ttftMs);
  });

  it('x-sim-sample (a repeat) can flip a graded answer, and the choice is stable', () => {
    let flips = 0;
    for (let i = 0; i < 40; i++) {
      const prompt = `What is ${i + 11} * 7?`;
      const base = plan({ prompt, modelName: 'slow' });
      expect(plan({ prompt, modelName: 'slow' }).answerText).toBe(base.answerText);
      if (plan({ prompt, modelName: 'slow', sample: '2' }).correct !== base.correct) flips++;
    }
    expect(flips).toBeGreaterThan(0);
  });
});

describe('accuracy', () => {
  function accuracy(modelName: string, effort?: SimEffort): number {
    let right = 0;
    const n = 300;
    for (let i = 0; i < n; i++) {
      const a = 13 + i;
      const p = plan({ prompt: `What is ${a} + 100?`, modelName, effort });
      expect(p.task).toBe('arithmetic');
      expect(p.answerText === String(a + 100)).toBe(p.correct);
      if (p.correct) right++;
    }
    return right / n;
  }

  it('matches the model table within sampling noise', () => {
    expect(accuracy('fast')).toBeGreaterThan(0.85);
    expect(accuracy('slow')).toBeGreaterThan(0.7);
    expect(accuracy('slow')).toBeLessThan(0.9);
  });

  it('grows with reasoning effort on the reasoner', () => {
    const none = accuracy('reasoner', 'none');
    const high = accuracy('reasoner', 'high');
    expect(none).toBeGreaterThan(0.4);
    expect(none).toBeLessThan(0.7);
    expect(high).toBeGreaterThan(0.9);
  });
});
