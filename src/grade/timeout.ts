import { GradingError } from './grading-error.ts';

/**
 * Races `work` against a timer. On timeout `controller` is aborted (so a judge request can stop)
 * and a GradingError is thrown. Synchronous code cannot be interrupted this way: that is why the
 * graders that can loop (regexes, user code) run in a grading worker, which the pool terminates
 * at the same limit (workers/grade-pool.ts).
 */
export async function withTimeout<T>(work: (signal: AbortSignal) => T | Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new GradingError('GRADER_TIMEOUT', `grader threw: timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => work(controller.signal)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
