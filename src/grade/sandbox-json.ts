/**
 * JSON with a few values JSON lacks (undefined, NaN, ±Infinity, bigint): how arguments go into the
 * sandbox and results come out, so no object crosses between realms. The same functions run on
 * both sides (as source text inside the sandbox's context).
 */
const TAG = '$evalbench';

export function encode(_key: string, v: unknown): unknown {
  if (v === undefined) return { [TAG]: 'undefined' };
  if (typeof v === 'number' && !Number.isFinite(v)) return { [TAG]: String(v) };
  if (typeof v === 'bigint') return { [TAG]: 'bigint', v: v.toString() };
  return v;
}

export function decode(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || !(TAG in v)) return v;
  const t = (v as Record<string, unknown>)[TAG];
  if (t === 'undefined') return undefined;
  if (t === 'bigint') return BigInt(String((v as Record<string, unknown>).v));
  return Number(t);
}

export const encodeSource = `(k, v) => v === undefined ? { '${TAG}': 'undefined' } : typeof v === 'number' && !Number.isFinite(v) ? { '${TAG}': String(v) } : typeof v === 'bigint' ? { '${TAG}': 'bigint', v: v.toString() } : v`;
export const decodeSource = `(k, v) => v === null || typeof v !== 'object' || !('${TAG}' in v) ? v : v['${TAG}'] === 'undefined' ? undefined : v['${TAG}'] === 'bigint' ? BigInt(String(v.v)) : Number(v['${TAG}'])`;
