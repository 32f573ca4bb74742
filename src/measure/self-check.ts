import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { DistributionSummary } from './statistics.ts';
import { SampleSketch } from './sample-sketch.ts';

/**
 * Sampling interval of the event-loop delay monitor. 10 ms (Node's default) costs 100 wake-ups
 * a second and still sees every stall long enough to matter; 1 ms would wake the loop 1000
 * times a second on a machine that is busy sending requests. Reported delays have the interval
 * taken off (the histogram records the whole gap between samples).
 */
export const EVENT_LOOP_RESOLUTION_MS = 10;
/** Event-loop delay p99 above this means callbacks (sends, token reads) wait on the client. */
export const EVENT_LOOP_WARN_MS = 20;
/** Open loop: release later than scheduled by this much (p99) distorts the offered load. */
export const SCHEDULE_LAG_WARN_MS = 5;
/** Open loop: offered rate below this share of the target. */
export const OFFERED_RATE_MIN_SHARE = 0.95;

export interface PercentilesMs {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** summary.json `self_check`. */
export interface SelfCheckReport {
  event_loop_delay_ms: PercentilesMs & { samples: number; resolution_ms: number };
  /** Open loop only: release time - due time of each measured arrival (the client's own lag). */
  schedule_lag_ms: (PercentilesMs & { count: number }) | null;
  /** Open loop only: measured releases per second, and the rate asked for. */
  offered_rate_per_s: number | null;
  target_rate_per_s: number | null;
  /** Set when the client, not the server, may be the bottleneck (also printed on stderr). */
  warning?: string;
}

export interface SelfCheckOptions {
  resolutionMs?: number;
  /** The `--rate` of an open-loop run: the offered rate is checked against it. */
  targetRate?: number;
  eventLoopWarnMs?: number;
  scheduleLagWarnMs?: number;
}

const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

function pick(d: DistributionSummary): PercentilesMs {
  return { p50: round3(d.p50), p90: round3(d.p90), p99: round3(d.p99), max: round3(d.max), mean: round3(d.mean) };
}

/** Watches the client while a run goes: event-loop delay always, schedule lag in open loop. */
export class SelfCheck {
  private readonly histogram: IntervalHistogram;
  private readonly resolutionMs: number;
  /** One lag per open-loop release: exact up to the sketch's cap, then a log histogram (bounded memory). */
  private readonly lags = new SampleSketch();
  private firstRelease = Infinity;
  private lastRelease = -Infinity;
  private report: SelfCheckReport | undefined;

  constructor(private readonly opts: SelfCheckOptions = {}) {
    this.resolutionMs = opts.resolutionMs ?? EVENT_LOOP_RESOLUTION_MS;
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.histogram.enable();
  }

  /** One open-loop release (RunJobsOptions.onRelease); warm-up releases are not counted. */
  observeRelease(dueAt: number, releasedAt: number, warmup = false): void {
    if (warmup) return;
    this.lags.push(Math.max(0, releasedAt - dueAt));
    if (releasedAt < this.firstRelease) this.firstRelease = releasedAt;
    if (releasedAt > this.lastRelease) this.lastRelease = releasedAt;
  }

  /** Stops the monitor (idempotent) and returns the figures with a warning when they are bad. */
  stop(): SelfCheckReport {
    if (this.report) return this.report;
    this.histogram.disable();
    const h = this.histogram;
    const less = (ns: number) => (h.count > 0 ? Math.max(0, ns / 1e6 - this.resolutionMs) : null);
    const loop = {
      p50: round3(less(h.percentile(50))), p90: round3(less(h.percentile(90))), p99: round3(less(h.percentile(99))),
      max: round3(less(h.max)), mean: h.count > 0 ? round3(Math.max(0, h.mean / 1e6 - this.resolutionMs)) : null,
      samples: h.count, resolution_ms: this.resolutionMs,
    };
    const n = this.lags.count;
    const lag = n > 0 ? { count: n, ...pick(this.lags.summarize()) } : null;
    const span = this.lastRelease - this.firstRelease;
    const offered = n >= 2 && span > 0 ? round3((n - 1) / (span / 1000)) : null;
    const target = this.opts.targetRate ?? null;

    const problems: string[] = [];
    const loopWarn = this.opts.eventLoopWarnMs ?? EVENT_LOOP_WARN_MS;
    const lagWarn = this.opts.scheduleLagWarnMs ?? SCHEDULE_LAG_WARN_MS;
    if (loop.p99 !== null && loop.p99 > loopWarn) problems.push(`event-loop delay p99 ${loop.p99} ms (> ${loopWarn} ms)`);
    if (lag?.p99 != null && lag.p99 > lagWarn) problems.push(`requests were released ${lag.p99} ms late at p99 (> ${lagWarn} ms)`);
    if (offered !== null && target !== null && offered < target * OFFERED_RATE_MIN_SHARE) {
      problems.push(`offered ${offered} req/s of the ${target} req/s asked for`);
    }
    this.report = {
      event_loop_delay_ms: loop,
      schedule_lag_ms: lag,
      offered_rate_per_s: offered,
      target_rate_per_s: target,
      ...(problems.length > 0
        ? { warning: `the client may be the bottleneck, not the server: ${problems.join('; ')}. Lower --rate or --concurrency, close other load on this machine, or split the run across machines (--shard).` }
        : {}),
    };
    return this.report;
  }
}

export function startSelfCheck(opts: SelfCheckOptions = {}): SelfCheck {
  return new SelfCheck(opts);
}
