import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jobId } from '../../src/plan/index.ts';

describe('jobId', () => {
  it('is the first 16 hex digits of sha256 over JSON [suite, case, model ref, effort, repeat]', () => {
    const expected = createHash('sha256').update(JSON.stringify(['s', 'c', 'sim:fast', 'low', 2])).digest('hex').slice(0, 16);
    expect(jobId('s', 'c', 'sim:fast', 'low', 2)).toBe(expected);
    const noEffort = createHash('sha256').update(JSON.stringify(['s', 'c', 'sim:fast', '', 1])).digest('hex').slice(0, 16);
    expect(jobId('s', 'c', 'sim:fast', null, 1)).toBe(noEffort);
  });

  it('changes with every component and is not fooled by separators', () => {
    const base = jobId('s', 'c', 'sim:fast', null, 1);
    const variants = [
      jobId('t', 'c', 'sim:fast', null, 1),
      jobId('s', 'd', 'sim:fast', null, 1),
      jobId('s', 'c', 'sim:slow', null, 1),
      jobId('s', 'c', 'sim:fast', 'none', 1),
      jobId('s', 'c', 'sim:fast', null, 2),
      jobId('s:c', '', 'sim:fast', null, 1),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    for (const id of variants) expect(id).toMatch(/^[0-9a-f]{16}$/);
  });
});
