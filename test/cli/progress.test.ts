import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, etaSeconds, progressJson, progressLine, progressRunReporter } from '../../src/cli/progress.ts';
import { makeRow } from '../report/make-row.ts';

const counts = (done: number, errors = 0, retries = 0) => ({ done, errors, retries });

describe('progress figures', () => {
  it('a duration run shows elapsed/total time and requests done, never a negative ETA', () => {
    const plan = { total: 192, durationMs: 30_000 };
    // 199 done out of a plan of 192: what used to read "199/192 done ... ETA -0s".
    const line = progressLine(counts(199, 2, 1), plan, 12_000);
    expect(line).toBe('progress: 12.0s/30.0s, 199 requests done, 2 errors, 1 retries, ETA 18s');
    expect(line).not.toContain('/192');
    expect(etaSeconds(counts(199), plan, 31_000)).toBe(0);
    expect(progressLine(counts(250), plan, 31_000)).toContain('30.0s/30.0s');
  });

  it('a fixed plan shows done/total and an ETA from the pace, clamped at 0', () => {
    expect(progressLine(counts(50), { total: 200 }, 10_000)).toBe('progress: 50/200 done, 0 errors, 0 retries, 10.0s elapsed, ETA 30s');
    expect(etaSeconds(counts(210), { total: 200 }, 10_000)).toBe(0);
    expect(etaSeconds(counts(0), { total: 200 }, 10_000)).toBeNull();
  });

  it('--progress json writes one JSON object per line', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (b) => (text += b));
    const p = createProgress(stream as unknown as NodeJS.WriteStream, 'json');
    p.start({ total: 3 });
    p.onEvent({ type: 'job-end', job: {} as never, row: makeRow() });
    p.onEvent({ type: 'job-end', job: {} as never, row: makeRow({ status: 'error' }) });
    await new Promise((r) => setTimeout(r, 1300));
    p.stop();
    p.stop();
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toMatchObject({ done: 2, planned: 3, errors: 1, retries: 0, duration_s: null });
    expect(lines.at(-1).eta_s).toBeGreaterThanOrEqual(0);
  });

  it('as a run reporter: the plan starts it, the engine\'s events move it', () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (b) => (text += b));
    const p = createProgress(stream as unknown as NodeJS.WriteStream, 'json');
    const reporter = progressRunReporter(p, { durationMs: 30_000 });
    reporter.onPlan?.({ suite: {} as never, total: 4, outDir: 'x' });
    reporter.onProgress?.({ type: 'job-end', job: {} as never, row: makeRow({ status: 'error' }) });
    reporter.onProgress?.({ type: 'retry', job: {} as never, attempt: 1, delayMs: 0, result: {} as never });
    p.stop();
    expect(JSON.parse(text.trim().split('\n').at(-1)!)).toMatchObject({ done: 1, planned: 4, errors: 1, retries: 1, duration_s: 30 });
  });
});
