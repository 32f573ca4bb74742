import { parentPort } from 'node:worker_threads';
import { ASSERTIONS, splitType } from '../assertions/index.ts';
import { loadGrader } from '../assertions/javascript.ts';
import { describe, gradeItem, type ItemOutcome } from '../grade-item.ts';
import type { PoolItem, PoolReply, PoolTask } from './grade-protocol.ts';

/** Entry of a grading worker thread (grade-pool.ts): one task at a time, one reply per item. */

async function one(task: PoolTask, item: PoolItem): Promise<ItemOutcome> {
  const def = ASSERTIONS[splitType(item.spec.type).base];
  if (!def) return { ok: false, message: `unknown assertion type "${item.spec.type}"` };
  if (task.op === 'grade') return gradeItem(def, item.spec, task.ctx, item.ms);
  try {
    await loadGrader(String(item.spec.value), task.ctx.suiteDir);
    return { ok: true, verdict: { pass: true, score: 1, expected: 'a grader', got: 'loaded' } };
  } catch (e) {
    return { ok: false, message: describe(e) };
  }
}

parentPort?.on('message', async (task: PoolTask) => {
  for (let i = 0; i < task.items.length; i++) {
    const outcome = await one(task, task.items[i]);
    parentPort!.postMessage({ id: task.id, index: task.offset + i, outcome } satisfies PoolReply);
  }
});
parentPort?.postMessage({ ready: true });
