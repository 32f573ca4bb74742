import type { Clock } from '../measure/types.ts';
import type { AttemptRequest } from './types.ts';

const defaultNow: Clock = () => performance.now();

/**
 * How long before a due time the timer hands over to the spin: Node's setTimeout fires on whole
 * milliseconds and typically 1-2 ms late, so the last stretch is covered by setImmediate turns.
 */
export const SPIN_WINDOW_MS = 2;

/**
 * Resolves at `target` (same clock as `now`), typically within a few tens of microseconds:
 * setTimeout for the bulk, then setImmediate turns. Each turn goes through the event loop's poll
 * phase, so sockets keep being served; this is never a blocking busy loop. Resolves early (never
 * rejects) when `signal` aborts: the caller checks the signal.
 */
export function waitUntil(target: number, now: Clock = defaultNow, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      resolve();
    };
    const step = () => {
      timer = immediate = undefined;
      const left = target - now();
      if (left <= 0) return done();
      if (left > SPIN_WINDOW_MS) timer = setTimeout(step, left - SPIN_WINDOW_MS);
      else immediate = setImmediate(step);
    };
    if (signal?.aborted) return resolve();
    signal?.addEventListener('abort', onAbort, { once: true });
    step();
  });
}

/**
 * An attempt handed over before it is due (AttemptRequest.notBefore): a wait until then, ended
 * early by `cancelHold` (else the attempt's signal); undefined when it is due already, so the
 * common case awaits nothing. The caller checks the signals afterwards.
 */
export function holdUntilDue(req: Pick<AttemptRequest, 'notBefore' | 'cancelHold' | 'signal'>, now: Clock): Promise<void> | undefined {
  return req.notBefore !== undefined && req.notBefore > now() ? waitUntil(req.notBefore, now, req.cancelHold ?? req.signal) : undefined;
}
