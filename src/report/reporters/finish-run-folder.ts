import type { Summary } from '../summary.ts';
import type { Reporter } from './reporter.ts';

/**
 * Finishes a run folder whose results.jsonl is complete: the one way `run`, `merge` and `report`
 * write their end-of-run files. Every reporter's summary.md section is collected first, then
 * each reporter's onFinished runs in list order (a later one may read what an earlier one wrote).
 */
export async function finishRunFolder<P>(dir: string, summary: Summary, reporters: readonly Reporter<P>[]): Promise<void> {
  const markdownSections: string[] = [];
  for (const r of reporters) {
    const section = r.summarySection?.(summary);
    if (section) markdownSections.push(section);
  }
  for (const r of reporters) await r.onFinished?.(summary, dir, { markdownSections });
}
