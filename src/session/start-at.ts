import { InputError } from '../errors/input-error.ts';
import { sleep } from '../run/sleep.ts';

/** Date and time with a zone: shards on machines in different zones must read the same instant. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** `--start-at`: an ISO-8601 time with a zone → epoch ms. Throws InputError BAD_START_AT. */
export function parseStartAt(text: string): number {
  const t = text.trim();
  const ms = ISO_WITH_ZONE.test(t) ? Date.parse(t) : NaN;
  if (!Number.isFinite(ms)) {
    throw new InputError(
      'BAD_START_AT',
      `bad --start-at \`${text}\`: expected an ISO-8601 time with a zone, e.g. 2026-12-04T19:30:00Z (date -u -d '+2 min' +%FT%TZ)`,
    );
  }
  return ms;
}

/**
 * Waits until the local wall clock reads `atMs`, calling `onCountdown(msLeft)` at the start and
 * about once a second. Sleeps in short steps and re-reads Date.now(), because timers run on the
 * monotonic clock and could fire a little before the wall-clock time; never returns early.
 * Rejects with the signal's reason when aborted (Ctrl-C during the countdown).
 */
export async function waitUntilWallClock(
  atMs: number,
  options: { signal?: AbortSignal; onCountdown?: (msLeft: number) => void; now?: () => number } = {},
): Promise<void> {
  const now = options.now ?? Date.now;
  let lastTick = Infinity;
  for (;;) {
    const left = atMs - now();
    if (left <= 0) return;
    const second = Math.ceil(left / 1000);
    if (second < lastTick) {
      lastTick = second;
      options.onCountdown?.(left);
    }
    await sleep(Math.max(1, Math.min(left, left - (second - 1) * 1000)), options.signal);
  }
}
