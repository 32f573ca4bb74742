import path from 'node:path';
import { loadSuite, type Suite } from '../suite/index.ts';
import { makePlan, type PlanOverrides } from '../plan/index.ts';
import { readJsonlRows } from '../report/jsonl-sink.ts';
import { estimateRun, type Estimate, type EstimateSourceRow } from './estimate.ts';
import { loadPriceTable, mergePricing, pricingFromMap } from './price-table.ts';

export interface EstimateSuiteOptions {
  overrides?: PlanOverrides;
  /** A previous run's folder: observed output tokens per case x model x effort. */
  from?: string;
  pricesFile?: string;
}

/** `evalbench estimate`: plans the suite and prices it. Sends no request. */
export async function estimateSuite(suiteOrFile: string | Suite, opts: EstimateSuiteOptions = {}): Promise<Estimate> {
  const suite = typeof suiteOrFile === 'string' ? await loadSuite(suiteOrFile) : suiteOrFile;
  const plan = makePlan(suite, opts.overrides);
  const tables = [loadPriceTable()];
  if (opts.pricesFile) tables.push(loadPriceTable(opts.pricesFile));
  if (suite.pricing) tables.push(pricingFromMap(suite.pricing, suite.file));
  const prices = mergePricing(tables[0], ...tables.slice(1));
  let fromRows: EstimateSourceRow[] | undefined;
  if (opts.from) {
    fromRows = [];
    for await (const r of readJsonlRows(path.join(opts.from, 'results.jsonl'))) {
      fromRows.push({
        case_id: r.case_id, provider: r.provider, model: r.model, reasoning_effort: r.reasoning_effort,
        completion_tokens: r.completion_tokens, prompt_tokens: r.prompt_tokens, status: r.status,
      });
    }
  }
  return estimateRun(plan.jobs(), prices, { fromRows });
}
