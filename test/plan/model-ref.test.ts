import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/index.ts';
import { parseModelRef } from '../../src/plan/index.ts';

describe('parseModelRef', () => {
  it('splits at the first colon', () => {
    expect(parseModelRef('local:llama3:8b')).toEqual({ ref: 'local:llama3:8b', provider: 'local', model: 'llama3:8b' });
    expect(parseModelRef('vigthoria:v2-code')).toEqual({ ref: 'vigthoria:v2-code', provider: 'vigthoria', model: 'v2-code' });
    expect(parseModelRef(' sim:fast ')).toMatchObject({ provider: 'sim', model: 'fast', ref: 'sim:fast' });
  });

  it.each(['nocolon', ':model', 'sim:', 'sim:  ', 'bad provider:x', ''])('rejects %j with BAD_MODEL_REF', (ref) => {
    let err: unknown;
    try {
      parseModelRef(ref);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('BAD_MODEL_REF');
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toContain('provider:model');
  });
});
