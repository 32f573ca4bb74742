import * as crypto from 'node:crypto';
import type { Effort } from '../suite/schema.ts';

/** sha256 hex of a string: the one-shot crypto.hash (Node >= 20.12) costs a quarter of createHash's chain. */
const sha256Hex: (data: string) => string = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * Stable job id: the first 16 hex digits of sha256 over JSON [suite, case id, model ref, effort
 * or '', repeat]. The same job gets the same id on every run and machine (shards, --resume).
 */
export function jobId(suite: string, caseId: string, modelRef: string, effort: Effort | null, repeat: number): string {
  return sha256Hex(JSON.stringify([suite, caseId, modelRef, effort ?? '', repeat])).slice(0, 16);
}
