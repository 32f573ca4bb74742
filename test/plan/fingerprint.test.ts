import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/plan-jobs.ts';
import { planFingerprint } from '../../src/plan/fingerprint.ts';
import { EVALBENCH_VERSION } from '../../src/version.ts';
import type { Suite } from '../../src/suite/types.ts';

const base = {
  name: 's', file: 's.yaml', dir: '.', models: ['sim:fast', 'sim:slow'], repeats: 2, concurrency: 4, timeout_ms: 30000,
  cases: [{ id: 'a', prompt: 'What is 2+2?' }, { id: 'b', prompt: 'Name a colour.' }],
} as unknown as Suite;
const fp = (s: Partial<Suite>, overrides = {}, version?: string) => planFingerprint(makePlan({ ...base, ...s } as Suite, overrides), version);

describe('planFingerprint', () => {
  it('is the same for the same plan, whatever the suite object', () => {
    expect(fp({})).toBe(fp({}));
    expect(fp({})).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Concurrency is how the plan is run, not what it is.
    expect(fp({ concurrency: 64 })).toBe(fp({}));
  });

  it('changes with cases, models, efforts, repeats, request options and the evalbench version', () => {
    const ref = fp({});
    const variants = [
      fp({ cases: [{ id: 'a', prompt: 'What is 2+3?' }, { id: 'b', prompt: 'Name a colour.' }] } as Partial<Suite>),
      fp({ models: ['sim:fast'] }),
      fp({}, { efforts: ['low'] }),
      fp({ repeats: 3 }),
      fp({}, { timeoutMs: 5000 }),
      fp({ defaults: { max_completion_tokens: 64 } } as Partial<Suite>),
      fp({}, {}, '9.9.9'),
    ];
    for (const v of variants) expect(v).not.toBe(ref);
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('uses the version in package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(EVALBENCH_VERSION).toBe(pkg.version);
  });
});
