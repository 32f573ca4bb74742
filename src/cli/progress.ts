import cliProgress from 'cli-progress';
import type { RunEvent } from '../run/index.ts';

export interface ProgressReporter {
  start(total: number): void;
  onEvent(event: RunEvent): void;
  stop(): void;
}

/**
 * Progress on stderr (stdout is kept for the summary): a live bar on a TTY, a plain line every
 * few seconds otherwise (CI logs), and nothing with --quiet.
 */
export function createProgress(stream: NodeJS.WriteStream, mode: 'auto' | 'off' = 'auto', intervalMs = 5000): ProgressReporter {
  let done = 0;
  let errors = 0;
  let retries = 0;
  if (mode === 'off') return { start() {}, onEvent() {}, stop() {} };
  const count = (e: RunEvent) => {
    if (e.type === 'retry') retries += 1;
    if (e.type === 'job-end') {
      done += 1;
      if (e.row.status !== 'ok') errors += 1;
    }
  };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: ' {bar} {value}/{total} | errors {errors} | retries {retries} | {duration_formatted} | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (total) => bar.start(total, 0, { errors: 0, retries: 0 }),
      onEvent: (e) => {
        count(e);
        if (e.type !== 'job-start') bar.update(done, { errors, retries });
      },
      stop: () => bar.stop(),
    };
  }
  let timer: NodeJS.Timeout | undefined;
  let total = 0;
  let t0 = 0;
  const line = () => {
    const elapsed = (performance.now() - t0) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    stream.write(
      `progress: ${done}/${total} done, ${errors} errors, ${retries} retries, ${elapsed.toFixed(1)}s elapsed` +
        (Number.isFinite(eta) ? `, ETA ${eta.toFixed(0)}s` : '') + '\n',
    );
  };
  return {
    start: (n) => {
      total = n;
      t0 = performance.now();
      timer = setInterval(line, intervalMs);
      timer.unref();
    },
    onEvent: count,
    stop: () => {
      clearInterval(timer);
      if (total > 0) line();
      total = 0; // stop() may be called twice (normal end, then finally)
    },
  };
}
