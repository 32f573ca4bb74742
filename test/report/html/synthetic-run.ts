import type { ResultRow } from '../../../src/results/result-row.ts';
import { makeRow } from '../make-row.ts';
import { seededRandom as rng } from '../../../src/grade/statistics/seeded-random.ts';

export interface SyntheticConfig {
  model: string;
  effort: string;
  /** Median TTFT and per-token gap (ms). */
  ttft: number;
  gap: number;
  passRate: number;
  reasoning: number;
  costPerToken: number;
}

export const SYNTHETIC_CONFIGS: SyntheticConfig[] = [
  { model: 'fast', effort: '', ttft: 40, gap: 4, passRate: 0.6, reasoning: 0, costPerToken: 1e-6 },
  { model: 'think', effort: 'low', ttft: 120, gap: 6, passRate: 0.7, reasoning: 50, costPerToken: 3e-6 },
  { model: 'think', effort: 'medium', ttft: 300, gap: 6, passRate: 0.8, reasoning: 200, costPerToken: 3e-6 },
  { model: 'think', effort: 'high', ttft: 900, gap: 6, passRate: 0.82, reasoning: 800, costPerToken: 3e-6 },
  { model: 'slow', effort: '', ttft: 400, gap: 12, passRate: 0.55, reasoning: 0, costPerToken: 5e-6 },
];

/**
 * `total` rows of a graded, costed run spread over SYNTHETIC_CONFIGS: lognormal-ish latencies,
 * a few errors, failed rows with reasons, and outputs with HTML in them (escaping is tested).
 */
export function* syntheticRows(total: number, opts: { seed?: number; outputChars?: number; graded?: boolean } = {}): Generator<ResultRow> {
  const rand = rng(opts.seed ?? 7);
  const graded = opts.graded ?? true;
  const outputChars = opts.outputChars ?? 120;
  const start = Date.parse('2025-03-01T12:00:00.000Z');
  for (let i = 0; i < total; i++) {
    const cfg = SYNTHETIC_CONFIGS[i % SYNTHETIC_CONFIGS.length];
    const caseId = `case-${Math.floor(i / SYNTHETIC_CONFIGS.length) % 50}`;
    const repeat = Math.floor(i / (SYNTHETIC_CONFIGS.length * 50));
    const jitter = Math.exp((rand() - 0.5) * 0.8);
    const completion = 20 + Math.floor(rand() * 200);
    const ttft = cfg.ttft * jitter;
    const tpot = cfg.gap * Math.exp((rand() - 0.5) * 0.4);
    const latency = ttft + tpot * (completion - 1);
    const send = start + i * 20;
    const common = {
      job_id: `job-${i}`, suite: 'synthetic', case_id: caseId, provider: 'sim', model: cfg.model,
      reasoning_effort: cfg.effort, repeat,
    };
    if (rand() < 0.02) {
      yield makeRow({
        ...common, status: 'error', error_type: 'timeout', http_status: null, latency_ms: 10_000, ttft_ms: null,
        ttfa_ms: null, tpot_ms: null, output_tps: null, prompt_tokens: null, completion_tokens: null,
        reasoning_tokens: null, cached_tokens: null, total_tokens: null, usage_source: null, output: '',
        error_message: 'no answer within 10000 ms', send_epoch_ms: send, last_token_epoch_ms: null, passed: null,
      });
      continue;
    }
    const passed = graded ? rand() < cfg.passRate : null;
    const text = `Answer ${i} for ${caseId}: <b>bold</b> & "quoted" ${'lorem ipsum '.repeat(Math.ceil(outputChars / 12))}`.slice(0, outputChars);
    yield makeRow({
      ...common, started_at: new Date(send).toISOString(), latency_ms: latency, ttfb_ms: ttft * 0.8, ttft_ms: ttft,
      ttfa_ms: ttft + cfg.reasoning * tpot * 0.1, itl_p50_ms: tpot, itl_max_ms: tpot * 3, tpot_ms: tpot,
      output_tps: 1000 / tpot, prompt_tokens: 50, completion_tokens: completion + cfg.reasoning,
      reasoning_tokens: cfg.reasoning, cached_tokens: 10, total_tokens: 50 + completion + cfg.reasoning,
      cost_usd: (50 + completion + cfg.reasoning) * cfg.costPerToken, passed, score: passed === null ? null : passed ? 1 : 0,
      reasons: passed === false ? [`expected output to contain "42" <case ${caseId}>`] : [],
      output: text, itl_samples: Array.from({ length: 8 }, () => tpot * Math.exp((rand() - 0.5) * 1.2)),
      send_epoch_ms: send, last_token_epoch_ms: send + latency,
    });
  }
}
