import type { QualityRow } from '../../grade/statistics/index.ts';
import { configKey, configLabel } from '../../grade/statistics/index.ts';
import type { ResultRow } from '../../results/result-row.ts';
import { LogHistogram } from '../../measure/statistics.ts';
import { isCoalescedGap } from '../../measure/coalesced-gaps.ts';
import { SampleSketch } from '../../measure/sample-sketch.ts';
import type { Summary } from '../summary.ts';
import { CaseTableCollector, type CaseTableOptions } from './case-table.ts';

/** What the charts need of one configuration (provider:model x reasoning effort). */
export interface ConfigData {
  key: string;
  label: string;
  provider: string;
  model: string;
  effort: string;
  /** Position in the palette: the same colour in every chart. */
  index: number;
  /** Successful, non-cached rows only (as in the summary): bounded sketches, exact up to their cap. */
  ttft: SampleSketch;
  ttfa: SampleSketch;
  latency: SampleSketch;
  /** Pooled ITL gaps: fixed memory however many there are. */
  itl: LogHistogram;
}

export interface ReportData {
  /** In summary order (model, then effort), then any configuration only the rows know. */
  configs: ConfigData[];
  byKey: Map<string, ConfigData>;
  /** Rows for the quality statistics: empty when the caller already has them (see collectReportData). */
  quality: QualityRow[];
  cases: CaseTableCollector;
  rows: number;
  anyGraded: boolean;
  anyCost: boolean;
}

function pickQuality(r: ResultRow): QualityRow {
  return {
    case_id: r.case_id, provider: r.provider, model: r.model, reasoning_effort: r.reasoning_effort ?? '',
    repeat: r.repeat, status: r.status, passed: r.passed ?? null, score: r.score ?? null, latency_ms: r.latency_ms,
    ttft_ms: r.ttft_ms, ttfa_ms: r.ttfa_ms, completion_tokens: r.completion_tokens,
    reasoning_tokens: r.reasoning_tokens, cost_usd: r.cost_usd, error_type: r.error_type,
  };
}

/**
 * One streaming pass over the rows: bounded memory (sketches, a capped case table), never the
 * outputs. Quality rows (a few numbers a row) are kept only when `keepQualityRows`: a caller
 * that already has the quality report, or knows there is none, passes false.
 */
export async function collectReportData(
  summary: Summary,
  rows: AsyncIterable<ResultRow> | Iterable<ResultRow>,
  caseOptions: CaseTableOptions = {},
  keepQualityRows = true,
): Promise<ReportData> {
  const configs: ConfigData[] = [];
  const byKey = new Map<string, ConfigData>();
  const ensure = (provider: string, model: string, effort: string): ConfigData => {
    const key = configKey(provider, model, effort);
    let c = byKey.get(key);
    if (!c) {
      c = {
        key, label: configLabel(provider, model, effort), provider, model, effort, index: configs.length,
        ttft: new SampleSketch(), ttfa: new SampleSketch(), latency: new SampleSketch(), itl: new LogHistogram(),
      };
      configs.push(c);
      byKey.set(key, c);
    }
    return c;
  };
  for (const g of summary.groups) ensure(g.provider, g.model, g.reasoning_effort);

  const cases = new CaseTableCollector(caseOptions);
  const quality: QualityRow[] = [];
  let n = 0;
  let anyGraded = false;
  let anyCost = false;
  for await (const row of rows) {
    n++;
    const c = ensure(row.provider, row.model, row.reasoning_effort ?? '');
    cases.add(row, c.key, c.label);
    if (keepQualityRows) quality.push(pickQuality(row));
    if (typeof row.passed === 'boolean') anyGraded = true;
    if (typeof row.cost_usd === 'number' && Number.isFinite(row.cost_usd)) anyCost = true;
    if (row.status !== 'ok' || row.cached) continue;
    c.ttft.push(row.ttft_ms);
    c.ttfa.push(row.ttfa_ms);
    c.latency.push(row.latency_ms);
    // As the summary: zeros in rows written before coalesced gaps were split off are left out.
    if (Array.isArray(row.itl_samples)) for (const g of row.itl_samples) if (!isCoalescedGap(g)) c.itl.record(g);
  }
  return { configs, byKey, quality, cases, rows: n, anyGraded, anyCost };
}
