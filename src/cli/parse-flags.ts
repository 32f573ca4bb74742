import { InvalidArgumentError } from 'commander';
import { EFFORTS, type Effort } from '../suite/schema.ts';

/** Flag value parsers: a bad value becomes commander's InvalidArgumentError, which names the flag. */

export function parseList(value: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list');
  return items;
}

const isEffort = (e: string): e is Effort => (EFFORTS as readonly string[]).includes(e);

export function parseEfforts(value: string): Effort[] {
  return parseList(value).map((e) => {
    if (!isEffort(e)) throw new InvalidArgumentError(`"${e}" is not a reasoning effort; use ${EFFORTS.join(', ')}`);
    return e;
  });
}

export function parsePositiveInt(value: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a whole number above 0, got "${value}"`);
  return n;
}

export function parseNonNegativeInt(value: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number 0 or above, got "${value}"`);
  return n;
}

/** Milliseconds: `30000`, `30s`, `2m`, `500ms`. */
export function parseDurationMs(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration like 30000, 500ms, 30s or 2m, got "${value}"`);
  const n = Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1);
  if (n <= 0) throw new InvalidArgumentError('expected a duration above 0');
  return Math.round(n);
}

/** A non-negative amount of US dollars: `5`, `0.25`, `$2`. */
export function parseUsd(value: string): number {
  const n = Number(value.trim().replace(/^\$/, ''));
  if (!Number.isFinite(n) || n < 0 || value.trim() === '') throw new InvalidArgumentError(`expected an amount of USD like 5 or 0.25, got "${value}"`);
  return n;
}

/** A share from 0 to 1: `0.05`. */
export function parseShare(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`expected a share from 0 to 1 (e.g. 0.05), got "${value}"`);
  return n;
}

/** A number above 0 (fractions allowed): `1.5`, `800`. */
export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number above 0, got "${value}"`);
  return n;
}
