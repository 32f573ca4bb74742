import type { AssertionSpec, Effort } from '../suite/schema.ts';
import type { ChatMessage, SamplingParams } from '../providers/types.ts';

/** One request to make: a case x model x reasoning effort x repeat. */
export interface Job {
  /** Stable: a hash of suite, case id, model ref, effort and repeat (same on every run and shard). */
  id: string;
  /** Position in plan order, 0-based. */
  index: number;
  suite: string;
  caseId: string;
  tags: string[];
  /** Provider id (the part of the model reference before the first colon). */
  provider: string;
  /** Model name as sent (after the first colon). */
  model: string;
  reasoningEffort: Effort | null;
  /** 1-based. */
  repeat: number;
  messages: ChatMessage[];
  params: SamplingParams;
  stream: boolean;
  timeoutMs: number;
  assert: AssertionSpec[];
  /** The case's vars (graders may read them). */
  vars: Record<string, string | number | boolean>;
  threshold?: number;
}
