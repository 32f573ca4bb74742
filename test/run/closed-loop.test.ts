import { afterEach, describe, expect, it } from 'vitest';
import { closedPhaseOver, lookahead } from '../../src/run/closed-loop.ts';
import { RunStop } from '../../src/run/run-stop.ts';

describe('closedPhaseOver, the one stop predicate of a closed-loop phase', () => {
  let stop: RunStop;
  afterEach(() => stop.dispose());

  it('a single pass goes on after an interrupt (its remaining jobs get skipped rows); warm-up and duration runs stop', () => {
    stop = new RunStop(1000, 0);
    const now = () => 0;
    stop.interrupt();
    expect(closedPhaseOver({ warmup: false }, stop, false, now)).toBe(false);
    expect(closedPhaseOver({ warmup: true }, stop, false, now)).toBe(true);
    expect(closedPhaseOver({ warmup: false }, stop, true, now)).toBe(true);
  });

  it('a gate refusal ends the phase', () => {
    stop = new RunStop(1000, 0);
    expect(closedPhaseOver({ warmup: false }, stop, true, () => 0)).toBe(false);
    stop.refuseByGate();
    expect(closedPhaseOver({ warmup: false }, stop, true, () => 0)).toBe(true);
  });

  it('the end of a duration run is latched when the predicate sees the time is up, not only when the timer fires', () => {
    stop = new RunStop(1000, 0);
    let t = 0;
    const phase = { warmup: false, until: 100 };
    expect(closedPhaseOver(phase, stop, true, () => t)).toBe(false);
    t = 100;
    expect(closedPhaseOver(phase, stop, true, () => t)).toBe(true);
    expect(stop.cause).toBe('duration');
    expect(stop.hard.signal.aborted).toBe(true); // no grace: requests in flight are cut now
  });

  it('the end of a timed warm-up ends the warm-up only', () => {
    stop = new RunStop(1000, 0);
    expect(closedPhaseOver({ warmup: true, until: 50 }, stop, false, () => 60)).toBe(true);
    expect(stop.cause).toBeUndefined();
  });

  it('looks ahead at least 64 jobs, 4 per worker, within a bound', () => {
    expect([lookahead(1), lookahead(100), lookahead(Infinity)]).toEqual([64, 400, 65_536]);
  });
});
