import { InputError } from '../errors/index.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function timeMs(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * UNIT_MS[m[2]]) : undefined;
}

/**
 * `--duration`: `60s`, `2m`, `1h`, `500ms`. A unit is required: a bare `60` would be seconds to
 * load-test users and milliseconds to `--timeout`, so it is refused rather than guessed.
 */
export function parseRunDuration(value: string, flag = '--duration'): number {
  const ms = timeMs(value);
  if (ms === undefined || ms <= 0) {
    throw new InputError('BAD_DURATION', `${flag} expects a time with a unit, like 60s, 2m or 500ms; got "${value}"`);
  }
  return ms;
}

/** What runs before measuring starts; its rows carry `warmup: true` and no statistic counts them. */
export type WarmupSpec = { jobs: number } | { ms: number };

/** `--warmup`: a whole number = that many requests; with a unit (`10s`, `500ms`, `1m`) = that long. */
export function parseWarmup(value: string): WarmupSpec {
  const text = value.trim();
  if (/^\d+$/.test(text)) return { jobs: Number(text) };
  const ms = timeMs(text);
  if (ms !== undefined) return { ms };
  throw new InputError('BAD_WARMUP', `--warmup expects a number of requests (20) or a time (10s, 500ms); got "${value}"`);
}
