import { describe, expect, it } from 'vitest';
import { InputError, SuiteError } from '../../src/errors/index.ts';
import { makePlan } from '../../src/plan/index.ts';
import { parseSuite } from '../../src/suite/index.ts';
import { estimateSuite } from '../../src/cost/estimate-suite.ts';

const suite = (repeats: string) =>
  parseSuite(`name: big\nmodels: [sim:fast, sim:slow]\nreasoning_effort: [low, high]\n${repeats}cases:\n  - { id: a, prompt: "hi", max_completion_tokens: 10 }\n  - { id: b, prompt: "ho", max_completion_tokens: 10 }\n  - { id: c, prompt: "hu", max_completion_tokens: 10 }\n`, 'big.yaml');

describe('plan size limit (issue 17)', () => {
  it('repeats: 1e9 is refused at its line, naming every factor and the flag that raises the limit', () => {
    let e: unknown;
    try {
      makePlan(suite('repeats: 1000000000\n'));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SuiteError);
    const issue = (e as SuiteError).issues[0];
    expect(issue.line).toBe(4);
    expect(issue.message).toBe(
      'the plan has 3 cases × 2 models × 2 efforts × 1000000000 repeats = 12000000000 jobs, above the limit of 1000000 jobs: ' +
        'lower it, or raise the limit with --max-jobs 12000000000 if the run is meant to be that large',
    );
    expect((e as SuiteError).exitCode).toBe(2);
  });

  it('--repeats from the flag is named as the flag; --max-jobs raises the limit', () => {
    expect(() => makePlan(suite(''), { repeats: 100_000 })).toThrow(InputError);
    expect(() => makePlan(suite(''), { repeats: 100_000 })).toThrow(/^--repeats 100000: the plan has 3 cases/);
    expect(makePlan(suite(''), { repeats: 100_000, maxJobs: 2_000_000 }).count).toBe(1_200_000);
  });

  it('estimate prices 1e9 repeats without making a job per repeat', async () => {
    const t0 = performance.now();
    const e = await estimateSuite(suite('repeats: 1000000000\n'), { overrides: { maxJobs: 1e12 } });
    // Wide (a shared machine; the tokenizer loads here): one job per repeat would never finish.
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(e.total.jobs).toBe(12_000_000_000);
    expect(e.total.outputTokens.high).toBe(12_000_000_000 * 10);
  });
});
