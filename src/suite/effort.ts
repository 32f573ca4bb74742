/**
 * The reasoning-effort vocabulary: every level any supported API accepts, in increasing order of
 * effort. The one list and the one order: the schema, the flags, the plan, the presets and every
 * report table use it. Which levels a given API accepts is in providers/presets.ts.
 * (`minimal`: OpenAI gpt-5; `none`: gpt-5.1 and Vivgrid; `xhigh`: OpenAI's newest models.)
 */
export const EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export type Effort = (typeof EFFORTS)[number];

export function isEffort(value: string): value is Effort {
  return (EFFORTS as readonly string[]).includes(value);
}

/** Position in the order: '' (not sent, the platform default) first, unknown values last. */
export function effortRank(effort: string): number {
  if (effort === '') return -1;
  const i = (EFFORTS as readonly string[]).indexOf(effort);
  return i === -1 ? EFFORTS.length : i;
}

/** Sort comparator: by rank, then by name (so unknown values sort stably). */
export function compareEfforts(a: string, b: string): number {
  return effortRank(a) - effortRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
