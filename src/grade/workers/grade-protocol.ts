import type { AssertionSpec } from '../../suite/schema.ts';
import type { GradeContext } from '../types.ts';
import type { ItemOutcome } from '../grade-item.ts';

/** One assertion for a grading worker: the spec (placeholders already filled) and its time limit. */
export interface PoolItem {
  spec: AssertionSpec;
  ms: number;
}

/** The answer and its figures, without the judge (a function stays on the calling thread). */
export type PoolContext = Omit<GradeContext, 'judge'>;

/**
 * Main -> worker. `grade`: grade `items` in order against `ctx`; `load`: import each javascript
 * grader (`spec.value`) and report a failure if it cannot be used. `offset` is the index of
 * items[0] in the caller's list: the worker answers with absolute indexes.
 */
export interface PoolTask {
  id: number;
  op: 'grade' | 'load';
  ctx: PoolContext;
  items: PoolItem[];
  offset: number;
}

/** Worker -> main, once per item as soon as it is graded (the main thread times each item). */
export interface PoolReply {
  id: number;
  index: number;
  outcome: ItemOutcome;
}
