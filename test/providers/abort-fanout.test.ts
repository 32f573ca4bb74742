import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { abortSubscriberCount, offAbort, onAbort } from '../../src/providers/abort-fanout.ts';

describe('onAbort / offAbort', () => {
  it('calls every live subscription once on abort, through one real listener', () => {
    const ctl = new AbortController();
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    const c = () => calls.push('c');
    onAbort(ctl.signal, a);
    onAbort(ctl.signal, b);
    onAbort(ctl.signal, b); // the same function twice is one subscription
    onAbort(ctl.signal, c);
    offAbort(ctl.signal, c);
    expect(abortSubscriberCount(ctl.signal)).toBe(2);
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(1);
    ctl.abort();
    ctl.abort();
    expect(calls).toEqual(['a', 'b']);
    expect(abortSubscriberCount(ctl.signal)).toBe(0);
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  });

  it('a subscription ended by another during the abort is not called', () => {
    const ctl = new AbortController();
    const calls: string[] = [];
    const second = () => calls.push('second');
    onAbort(ctl.signal, () => {
      calls.push('first');
      offAbort(ctl.signal, second);
    });
    onAbort(ctl.signal, second);
    ctl.abort();
    expect(calls).toEqual(['first']);
  });

  it('offAbort on a signal nobody subscribed to is harmless', () => {
    expect(() => offAbort(new AbortController().signal, () => {})).not.toThrow();
  });
});
