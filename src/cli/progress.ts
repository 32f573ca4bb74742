import cliProgress from 'cli-progress';
import type { RunEvent } from '../run/index.ts';
import type { RunReporter } from '../session/index.ts';

export type ProgressMode = 'auto' | 'off' | 'json';

export interface ProgressPlan {
  /** Jobs planned; a --duration run cycles through them, so it is not the number that will run. */
  total: number;
  /** --duration: progress is time elapsed out of this, plus requests done. */
  durationMs?: number;
}

export interface ProgressReporter {
  start(plan: ProgressPlan): void;
  onEvent(event: RunEvent): void;
  /** Stops and clears the live bar (idempotent), so the summary starts on a clean line. */
  stop(): void;
}

interface Counts {
  done: number;
  errors: number;
  retries: number;
}

/** Seconds left: from the pace so far, or from the clock in a duration run; never below 0, null when unknown. */
export function etaSeconds(c: Counts, plan: ProgressPlan, elapsedMs: number): number | null {
  if (plan.durationMs !== undefined) return Math.max(0, (plan.durationMs - elapsedMs) / 1000);
  if (c.done === 0) return null;
  return Math.max(0, ((elapsedMs / c.done) * (plan.total - c.done)) / 1000);
}

/** One progress line for logs; `done/total` only when the plan's size is what will run. */
export function progressLine(c: Counts, plan: ProgressPlan, elapsedMs: number): string {
  const eta = etaSeconds(c, plan, elapsedMs);
  const head = plan.durationMs !== undefined
    ? `${(Math.min(elapsedMs, plan.durationMs) / 1000).toFixed(1)}s/${(plan.durationMs / 1000).toFixed(1)}s, ${c.done} requests done`
    : `${c.done}/${plan.total} done`;
  const tail = plan.durationMs !== undefined ? '' : `, ${(elapsedMs / 1000).toFixed(1)}s elapsed`;
  return `progress: ${head}, ${c.errors} errors, ${c.retries} retries${tail}${eta === null ? '' : `, ETA ${eta.toFixed(0)}s`}`;
}

/** One JSON object per line (`--progress json`): for CI logs and scripts. */
export function progressJson(c: Counts, plan: ProgressPlan, elapsedMs: number): string {
  const eta = etaSeconds(c, plan, elapsedMs);
  return JSON.stringify({
    elapsed_s: Math.round(elapsedMs / 100) / 10,
    done: c.done, planned: plan.total, duration_s: plan.durationMs === undefined ? null : plan.durationMs / 1000,
    errors: c.errors, retries: c.retries, eta_s: eta === null ? null : Math.round(eta),
  });
}

function counter(): { c: Counts; count: (e: RunEvent) => void } {
  const c: Counts = { done: 0, errors: 0, retries: 0 };
  return {
    c,
    count: (e) => {
      if (e.type === 'retry') c.retries += 1;
      if (e.type === 'job-end') {
        c.done += 1;
        if (e.row.status !== 'ok') c.errors += 1;
      }
    },
  };
}

/** The live bar on a terminal: jobs done out of the plan, or seconds out of the duration. */
function ttyProgress(stream: NodeJS.WriteStream): ProgressReporter {
  const { c, count } = counter();
  let plan: ProgressPlan = { total: 0 };
  let t0 = 0;
  const bar = new cliProgress.SingleBar(
    {
      stream, hideCursor: true, fps: 10, clearOnComplete: true, linewrap: false,
      format: (options, params, payload) => {
        const width = options.barsize ?? 40;
        const filled = Math.round(Math.min(1, params.progress) * width);
        const b = (options.barCompleteString ?? '█').slice(0, filled) + (options.barIncompleteString ?? '░').slice(0, width - filled);
        return ` ${b} ${payload.text as string}`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  const text = () => {
    const elapsed = performance.now() - t0;
    const eta = etaSeconds(c, plan, elapsed);
    const head = plan.durationMs !== undefined
      ? `${(Math.min(elapsed, plan.durationMs) / 1000).toFixed(0)}s/${(plan.durationMs / 1000).toFixed(0)}s | ${c.done} requests done`
      : `${c.done}/${plan.total}`;
    return `${head} | errors ${c.errors} | retries ${c.retries}${eta === null ? '' : ` | ETA ${eta.toFixed(0)}s`}`;
  };
  const value = () => (plan.durationMs !== undefined ? Math.min(plan.durationMs, performance.now() - t0) : c.done);
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  return {
    start: (p) => {
      plan = p;
      t0 = performance.now();
      running = true;
      bar.start(p.durationMs ?? Math.max(1, p.total), 0, { text: text() });
      // A duration bar moves with the clock, not only with completions.
      timer = setInterval(() => bar.update(value(), { text: text() }), 500);
      timer.unref();
    },
    onEvent: (e) => {
      count(e);
      if (running && e.type !== 'job-start') bar.update(value(), { text: text() });
    },
    stop: () => {
      clearInterval(timer);
      if (!running) return;
      running = false;
      bar.stop();
    },
  };
}

/** Plain lines (non-terminal stderr, every `intervalMs`) or JSON lines (every second). */
function lineProgress(stream: NodeJS.WritableStream, json: boolean, intervalMs: number): ProgressReporter {
  const { c, count } = counter();
  let plan: ProgressPlan | undefined;
  let t0 = 0;
  let timer: NodeJS.Timeout | undefined;
  const line = () => {
    if (!plan) return;
    const elapsed = performance.now() - t0;
    stream.write((json ? progressJson(c, plan, elapsed) : progressLine(c, plan, elapsed)) + '\n');
  };
  return {
    start: (p) => {
      plan = p;
      t0 = performance.now();
      timer = setInterval(line, json ? 1000 : intervalMs);
      timer.unref();
    },
    onEvent: count,
    stop: () => {
      clearInterval(timer);
      line();
      plan = undefined; // stop() may be called twice (normal end, then finally)
    },
  };
}

/**
 * Progress on stderr (stdout is kept for the summary): a live bar on a TTY (cleared when the run
 * ends), a plain line every few seconds otherwise (CI logs), a JSON line a second with `json`,
 * nothing with `off`.
 */
export function createProgress(stream: NodeJS.WriteStream, mode: ProgressMode = 'auto', intervalMs = 5000): ProgressReporter {
  if (mode === 'off') return { start() {}, onEvent() {}, stop() {} };
  if (mode === 'json') return lineProgress(stream, true, intervalMs);
  return stream.isTTY ? ttyProgress(stream) : lineProgress(stream, false, intervalMs);
}

/** The display as one of the run's reporters: it starts when the plan is known and moves with the engine's events. */
export function progressRunReporter(progress: ProgressReporter, options: { durationMs?: number } = {}): RunReporter {
  return {
    onPlan: ({ total }) => progress.start({ total, durationMs: options.durationMs }),
    onProgress: (event) => progress.onEvent(event),
  };
}
