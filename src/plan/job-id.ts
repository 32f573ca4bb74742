import { createHash } from 'node:crypto';
import type { Effort } from '../suite/schema.ts';

/**
 * Stable job id: the first 16 hex digits of sha256 over JSON [suite, case id, model ref, effort
 * or '', repeat]. The same job gets the same id on every run and machine (shards, --resume).
 */
export function jobId(suite: string, caseId: string, modelRef: string, effort: Effort | null, repeat: number): string {
  return createHash('sha256')
    .update(JSON.stringify([suite, caseId, modelRef, effort ?? '', repeat]))
    .digest('hex')
    .slice(0, 16);
}
