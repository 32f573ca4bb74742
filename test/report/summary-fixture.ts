import type { ResultRow } from '../../src/results/result-row.ts';
import { makeRow } from './make-row.ts';

/**
 * Hand-made rows with hand-computed expectations (see summary.test.ts):
 * sim:fast (default effort): 2 ok, 1 timeout; sim:slow (high): 1 measured ok, 1 cached ok,
 * 1 rate_limited, 1 skipped for budget. Each row is its own case (case_id = job_id).
 */
export function fixtureRows(): ResultRow[] {
  return [
    makeRow({
      job_id: 'f1', case_id: 'f1', provider: 'sim', model: 'fast', send_epoch_ms: 1000, last_token_epoch_ms: 1500,
      latency_ms: 520, ttfb_ms: 50, ttft_ms: 100, ttfa_ms: 100, tpot_ms: 10, output_tps: 100, queue_ms: 5,
      prompt_tokens: 10, completion_tokens: 50, reasoning_tokens: 0, cached_tokens: 4, total_tokens: 60,
      usage_source: 'reported', cost_usd: 0.001, passed: true, score: 1, itl_samples: [10, 10, 20],
    }),
    makeRow({
      job_id: 'f2', case_id: 'f2', provider: 'sim', model: 'fast', send_epoch_ms: 1200, last_token_epoch_ms: 2000,
      latency_ms: 820, ttfb_ms: 60, ttft_ms: 200, ttfa_ms: 250, tpot_ms: 20, output_tps: 50, queue_ms: 15,
      prompt_tokens: 12, completion_tokens: 40, reasoning_tokens: 8, cached_tokens: 0, total_tokens: 52,
      usage_source: 'estimated', cost_usd: 0.002, passed: false, score: 0, itl_samples: [5],
      attempts: 2, retry_wait_ms: 300,
    }),
    makeRow({
      job_id: 'f3', case_id: 'f3', provider: 'sim', model: 'fast', status: 'error', error_type: 'timeout', http_status: null,
      send_epoch_ms: 500, last_token_epoch_ms: 9000, latency_ms: 9999, ttft_ms: 5000, ttfb_ms: 40,
      tpot_ms: null, output_tps: null, prompt_tokens: null, completion_tokens: null, reasoning_tokens: null,
      cached_tokens: null, total_tokens: null, usage_source: null, attempts: 3, retry_wait_ms: 700,
      itl_samples: [999], error_message: 'no answer within 10000 ms',
    }),
    makeRow({
      job_id: 's1', case_id: 's1', provider: 'sim', model: 'slow', reasoning_effort: 'high', send_epoch_ms: 3000,
      last_token_epoch_ms: 4000, latency_ms: 1000, ttft_ms: 300, ttfa_ms: 600, tpot_ms: 7, output_tps: 1000 / 7,
      prompt_tokens: 20, completion_tokens: 100, reasoning_tokens: 30, cached_tokens: 0, total_tokens: 120,
      usage_source: 'reported', cost_usd: null, itl_samples: [7, 8],
    }),
    makeRow({
      job_id: 's2', case_id: 's2', provider: 'sim', model: 'slow', reasoning_effort: 'high', send_epoch_ms: 100,
      last_token_epoch_ms: 101, latency_ms: 1, ttft_ms: 1, completion_tokens: 100, cached: true, itl_samples: [1],
    }),
    makeRow({
      job_id: 's3', case_id: 's3', provider: 'sim', model: 'slow', reasoning_effort: 'high', status: 'error',
      error_type: 'rate_limited', http_status: 429, latency_ms: 3, ttft_ms: null, prompt_tokens: null,
      completion_tokens: null, reasoning_tokens: null, cached_tokens: null, total_tokens: null, usage_source: null,
    }),
    makeRow({
      job_id: 's4', case_id: 's4', provider: 'sim', model: 'slow', reasoning_effort: 'high', status: 'skipped',
      error_type: 'budget', http_status: null, attempts: 0, started_at: null, latency_ms: null, ttft_ms: null,
      prompt_tokens: null, completion_tokens: null, reasoning_tokens: null, cached_tokens: null, total_tokens: null,
      usage_source: null,
    }),
  ];
}

export const META = { suite: 'demo', startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:05.000Z' };
