// One simulator with small fixed delays and the OpenAI SDK pointed at it, for the suites that read
// the simulator through an independent client.
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src/providers/sim/index.ts';

export interface SimulatorWithSdk {
  sim: RunningSimulator;
  client: OpenAI;
}

/** Started before the suite's tests and closed after them (the fields are set in beforeAll). */
export function simulatorWithSdk(): SimulatorWithSdk {
  const t = {} as SimulatorWithSdk;
  beforeAll(async () => {
    // Small fixed delays keep the suites quick; the distributions are tested on the plan itself.
    t.sim = await startSimulator({ fixedTtftMs: 5, fixedItlMs: 0.5 });
    t.client = new OpenAI({ baseURL: t.sim.url, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(() => t.sim.close());
  return t;
}
