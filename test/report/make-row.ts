import type { ResultRow } from '../../src/results/result-row.ts';

/** A complete, valid result row; tests override only what they look at. */
export function makeRow(over: Partial<ResultRow> = {}): ResultRow {
  return {
    job_id: 'job-1', suite: 'demo', case_id: 'c1', provider: 'sim', model: 'fast', reasoning_effort: '',
    repeat: 0, status: 'ok', error_type: null, http_status: 200, attempts: 1,
    started_at: '2025-01-01T00:00:00.000Z', queue_ms: 0, latency_ms: 100, ttfb_ms: 10, ttft_ms: 20,
    ttfa_ms: 20, itl_p50_ms: 5, itl_max_ms: 9, itl_coalesced: 0, tpot_ms: 5, output_tps: 200, prompt_tokens: 10,
    completion_tokens: 20, reasoning_tokens: 0, cached_tokens: 0, total_tokens: 30, usage_source: 'reported',
    finish_reason: 'stop', cost_usd: null, passed: null, score: null, output: 'hello',
    error_message: null, tags: [], reasoning: '', retry_wait_ms: 0, itl_samples: [],
    send_epoch_ms: null, last_token_epoch_ms: null,
    ...over,
  };
}
