import type { Job } from '../plan/types.ts';
import { endpointUrl } from '../providers/url-policy.ts';
import type { ResultRow } from '../results/result-row.ts';
import { AdaptiveLimiter } from './adaptive-concurrency.ts';
import { buildRequestBody } from './build-body.ts';
import { buildResultRow, skippedRow } from './build-row.ts';
import type { Engine } from './engine.ts';
import type { TakenJob } from './job-backlog.ts';
import { withRetry, type RetryOutcome } from './retry.ts';

/**
 * What a worker does with one job: exactly one row, whatever happens; the provider slot is given
 * back after it. Not an async function: no frame of its own stays suspended while the job runs.
 */
export function runTakenJob(e: Engine, t: TakenJob): Promise<void> {
  return t.slots ? runJob(e, t).finally(() => t.slots!.release()) : runJob(e, t);
}

async function runJob(e: Engine, t: TakenJob): Promise<void> {
  const { s, scheduledAt } = t;
  const { job } = s;
  if (e.stop.sending.signal.aborted) {
    reportClientRelease(e, t, undefined);
    e.tally.emit(s, e.stop.cause === 'duration'
      ? skippedRow(job, 'incomplete', 'not sent: released, but the duration ended before a slot was free')
      : skippedRow(job, 'interrupted', 'not run: the run was interrupted before this job started'), scheduledAt);
    return;
  }
  const refusal = await e.opts.gate?.check(job);
  if (refusal) {
    // A duration run would only cycle on into more refusals: it stops here.
    if (e.cycling) e.stop.refuseByGate();
    reportClientRelease(e, t, undefined);
    e.tally.emit(s, skippedRow(job, refusal.errorType, refusal.message), scheduledAt);
    return;
  }
  const outcome = await sendJob(e, job, t.releasedByClient ? scheduledAt : undefined);
  if (t.releasedByClient && heldAndCancelled(outcome, scheduledAt)) {
    // Held by the client and never sent: what an arrival not yet due at the stop gets without a lead.
    e.tally.emit(s, skippedRow(job, 'interrupted', 'not sent: the run stopped sending before this arrival was due'), scheduledAt);
    return;
  }
  reportClientRelease(e, t, outcome.firstSend);
  let row: ResultRow = buildResultRow(job, outcome, scheduledAt);
  if (outcome.result.errorType === 'interrupted' && e.stop.cause === 'duration') {
    row = { ...row, error_type: 'incomplete', error_message: 'still in flight when the duration ended: aborted and reported, not dropped' };
  }
  if (e.opts.finishRow) row = await e.opts.finishRow(job, row);
  e.opts.gate?.settled(job, row);
  e.tally.emit(s, row, scheduledAt);
}

/** The client gave up holding the first attempt before its due time (cancelHold): a send is never before it. */
function heldAndCancelled(outcome: RetryOutcome, dueAt: number): boolean {
  return outcome.attempts === 1 && outcome.result.errorType === 'interrupted' && outcome.firstSend < dueAt;
}

/**
 * A job the client released (open loop with a lead): its release is the first attempt's send, on
 * the client's thread; a job never sent counts as released when it was skipped, if it was due by then.
 */
function reportClientRelease(e: Engine, t: TakenJob, firstSend: number | undefined): void {
  if (!t.releasedByClient || !e.opts.onRelease) return;
  const releasedAt = firstSend ?? e.now();
  if (firstSend === undefined && releasedAt < t.scheduledAt) return; // never due: never released
  e.opts.onRelease({ job: t.s.job, dueAt: t.scheduledAt, releasedAt: Math.max(t.scheduledAt, releasedAt), warmup: t.s.warmup });
}

/**
 * Sends the job through the provider seam (`send`), retrying as the policy says; every attempt's
 * result is a value. `notBefore`: the first attempt's due time, for the client to hold it until.
 */
async function sendJob(e: Engine, job: Job, notBefore: number | undefined): Promise<RetryOutcome> {
  const { opts, stop } = e;
  const provider = opts.providers.get(job.provider);
  if (!provider) throw new Error(`internal: provider ${job.provider} was not resolved before the run`);
  const slots = e.slots.get(job.provider);
  const limiter = slots instanceof AdaptiveLimiter ? slots : undefined;
  const body = buildRequestBody(job);
  const url = endpointUrl(provider.endpoint.baseUrl, 'chat/completions');
  const { sampleHeader } = provider.endpoint;
  const headers = sampleHeader ? { ...provider.endpoint.headers, [sampleHeader]: String(job.repeat) } : provider.endpoint.headers;
  opts.onEvent?.({ type: 'job-start', job });
  e.inFlight += 1;
  if (e.inFlight > e.result.maxInFlight) e.result.maxInFlight = e.inFlight;
  try {
    return await withRetry(
      // Not an async function: without a limiter, no frame of its own stays suspended while the request streams.
      (n) => {
        const attempt = () => e.streamOptions.send(job.provider, body, (b) => e.send(
          { url, apiKey: provider.apiKey, headers, body: b, timeoutMs: job.timeoutMs, signal: stop.hard.signal,
            ...(n === 1 && notBefore !== undefined ? { notBefore, cancelHold: stop.sending.signal } : {}) },
          { fetch: opts.fetch, now: e.now, allowInsecureHttp: opts.allowInsecureHttp },
          job,
        ));
        if (!limiter) return attempt();
        // A retry may come during a rate-limit pause: wait it out before every attempt.
        return limiter.ready(stop.sending.signal).then(attempt).then((r) => {
          limiter.observe(r);
          return r;
        });
      },
      e.retry,
      {
        signal: stop.sending.signal,
        random: opts.random,
        sleep: opts.sleep,
        onRetry: ({ attempt, delayMs, result: r }) => opts.onEvent?.({ type: 'retry', job, attempt, delayMs, result: r }),
      },
    );
  } finally {
    e.inFlight -= 1;
  }
}
