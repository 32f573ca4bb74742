import type { ErrorType } from './error-types.ts';

/**
 * One row per job: the CSV/JSONL contract (docs/metrics.md). Field names are snake_case and stable.
 * `RESULT_COLUMNS` is the CSV column order; JSONL rows carry a few extra fields after them.
 */
export const RESULT_COLUMNS = [
  'job_id', 'suite', 'case_id', 'provider', 'model', 'reasoning_effort', 'repeat', 'status',
  'error_type', 'http_status', 'attempts', 'started_at', 'queue_ms', 'latency_ms', 'ttfb_ms',
  'ttft_ms', 'ttfa_ms', 'itl_p50_ms', 'itl_max_ms', 'itl_coalesced', 'tpot_ms', 'output_tps', 'prompt_tokens',
  'completion_tokens', 'reasoning_tokens', 'cached_tokens', 'total_tokens', 'usage_source',
  'finish_reason', 'cost_usd', 'passed', 'score', 'output',
] as const;

export type RowStatus = 'ok' | 'error' | 'skipped';

export interface ResultRow {
  job_id: string;
  suite: string;
  case_id: string;
  provider: string;
  model: string;
  /** '' when the field was not sent. */
  reasoning_effort: string;
  repeat: number;
  status: RowStatus;
  error_type: ErrorType | null;
  http_status: number | null;
  attempts: number;
  /** ISO-8601 wall-clock time of the final attempt's send. */
  started_at: string | null;
  queue_ms: number | null;
  latency_ms: number | null;
  ttfb_ms: number | null;
  ttft_ms: number | null;
  ttfa_ms: number | null;
  itl_p50_ms: number | null;
  itl_max_ms: number | null;
  /** Gaps between token events of one socket read (one stamp): counted here, not in itl_* (docs/metrics.md). null: never sent. */
  itl_coalesced: number | null;
  tpot_ms: number | null;
  output_tps: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  reasoning_tokens: number | null;
  cached_tokens: number | null;
  total_tokens: number | null;
  usage_source: 'reported' | 'estimated' | null;
  finish_reason: string | null;
  cost_usd: number | null;
  passed: boolean | null;
  score: number | null;
  output: string;

  // --- JSONL-only fields (not CSV columns) ---
  error_message: string | null;
  tags: string[];
  reasoning: string;
  /** Time spent waiting between attempts (backoff, Retry-After): reported apart from latency. */
  retry_wait_ms: number;
  /** Pooled into the ITL distribution of the summary (coalesced gaps left out: see itl_coalesced). */
  itl_samples: number[];
  /** Epoch ms (sub-ms precision, performance.timeOrigin + now) of the final attempt's send and last token: the run's measured window. */
  send_epoch_ms: number | null;
  last_token_epoch_ms: number | null;
  /** The answer's tool calls (name, arguments as JSON text, id), assembled from the stream or the body. */
  tool_calls?: { id?: string; name?: string; arguments: string }[];
  /**
   * Request parameters sent besides model and messages (tools by name only), extra_body as given:
   * what this row measured, without repeating the prompt.
   */
  request?: Record<string, unknown>;
  /** Failed assertion reasons (grading). */
  reasons?: string[];
  /** Set when a grader ran past its time limit (stopped; its assertion failed). The request's own status is unaffected. */
  grading_error?: 'grading_timeout';
  /** The llm-rubric judge's own tokens, latency and cost: never part of this row's figures. */
  judge_usage?: {
    calls: number; failures: number; prompt_tokens: number | null; completion_tokens: number | null;
    latency_ms: number; cost_usd: number | null;
  };
  /**
   * True when the answer or reasoning was longer than the kept text (MAX_KEPT_CHARS): `output`
   * ends with a truncation note and an estimated completion_tokens counts what was dropped too.
   */
  output_truncated?: boolean;
  /** ITL gaps measured when more than MAX_ROW_ITL_SAMPLES: itl_samples then holds that many evenly spaced quantiles. */
  itl_sample_count?: number;
  /** True when the response came from --cache: left out of every latency statistic. */
  cached?: boolean;
  /** True for a warm-up request (--warmup): written for the record, left out of every statistic. */
  warmup?: boolean;
  /** Pass through the plan in a duration run (1, 2, ...); absent for single-pass runs. */
  pass?: number;
  /** Open loop: epoch ms at which the job was due (its arrival); queue_ms counts from it. */
  scheduled_epoch_ms?: number;
  /**
   * Every choice of an answer with several (`n > 1`), choice 0 first, each graded on its own.
   * The row's output, reasoning, finish_reason and tool_calls are choice 0's; its usage covers all
   * choices once; passed = every choice passed, score = the mean of the choices' scores.
   */
  choices?: RowChoice[];
}

/** One choice of an n > 1 answer, as kept in the row. */
export interface RowChoice {
  index: number;
  output: string;
  reasoning: string;
  finish_reason: string | null;
  tool_calls?: { id?: string; name?: string; arguments: string }[];
  passed?: boolean | null;
  score?: number | null;
  /** Failed assertion reasons of this choice. */
  reasons?: string[];
}
