import type { ResultRow } from '../results/result-row.ts';
import { configLabel } from '../results/config-identity.ts';

/**
 * "Why did it fail?" after the tables: per configuration (model x effort), the error messages
 * grouped by their text with counts, and the first failing cases with their assertion reasons.
 * Fed row by row like the summary, so memory is bounded by the caps below, not by the run.
 */

export interface DigestMessage {
  error_type: string;
  /** Redacted at the client; cleaned of control bytes and cut to MESSAGE_CHARS here. */
  message: string;
  count: number;
  /** The first few case ids that got it (plan order is not kept: completion order). */
  case_ids: string[];
}

export interface DigestFailure {
  case_id: string;
  repeat: number;
  reasons: string[];
}

export interface DigestGroup {
  /** `provider:model` plus ` [effort]` when an effort was sent. */
  config: string;
  errors: number;
  failed: number;
  /** Most frequent first. */
  messages: DigestMessage[];
  /** Messages beyond MAX_DISTINCT_MESSAGES, counted but not kept. */
  other_messages: number;
  /** The first `showFailures` assertion failures, in completion order. */
  failures: DigestFailure[];
}

export const MESSAGE_CHARS = 200;
const REASON_CHARS = 160;
const MAX_DISTINCT_MESSAGES = 50;
const CASE_IDS_PER_MESSAGE = 3;

/** Control bytes and terminal escape sequences out, whitespace runs folded, long text cut with an ellipsis. */
export function cleanText(text: string, max: number): string {
  const flat = text
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)?|\x1b./g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...flat];
  return chars.length <= max ? flat : chars.slice(0, max - 1).join('') + '…';
}

interface GroupState {
  config: string;
  errors: number;
  failed: number;
  messages: Map<string, DigestMessage>;
  other: number;
  failures: DigestFailure[];
}

export class FailureDigestBuilder {
  readonly #groups = new Map<string, GroupState>();
  readonly #showFailures: number;

  /** `showFailures`: failing cases kept per configuration (0 = none). */
  constructor(options: { showFailures?: number } = {}) {
    this.#showFailures = Math.max(0, options.showFailures ?? 5);
  }

  add(row: ResultRow): void {
    if (row.warmup) return;
    const isError = row.status === 'error';
    const isFailure = row.status === 'ok' && row.passed === false;
    if (!isError && !isFailure) return;
    const g = this.#group(row);
    if (isError) {
      g.errors += 1;
      this.#addMessage(g, row);
    } else {
      g.failed += 1;
      if (g.failures.length < this.#showFailures) {
        g.failures.push({
          case_id: row.case_id,
          repeat: row.repeat,
          reasons: (row.reasons ?? []).slice(0, 3).map((r) => cleanText(r, REASON_CHARS)),
        });
      }
    }
  }

  #group(row: ResultRow): GroupState {
    const config = configLabel(row.provider, row.model, row.reasoning_effort ?? '');
    let g = this.#groups.get(config);
    if (!g) {
      g = { config, errors: 0, failed: 0, messages: new Map(), other: 0, failures: [] };
      this.#groups.set(config, g);
    }
    return g;
  }

  #addMessage(g: GroupState, row: ResultRow): void {
    const errorType = row.error_type ?? 'unknown';
    const message = cleanText(row.error_message ?? '(no message)', MESSAGE_CHARS);
    const key = `${errorType}\n${message}`;
    let m = g.messages.get(key);
    if (!m) {
      if (g.messages.size >= MAX_DISTINCT_MESSAGES) {
        g.other += 1;
        return;
      }
      m = { error_type: errorType, message, count: 0, case_ids: [] };
      g.messages.set(key, m);
    }
    m.count += 1;
    if (m.case_ids.length < CASE_IDS_PER_MESSAGE && !m.case_ids.includes(row.case_id)) m.case_ids.push(row.case_id);
  }

  /** Configurations with at least one error or failed case, in first-seen order. */
  finish(): DigestGroup[] {
    return [...this.#groups.values()].map((g) => ({
      config: g.config,
      errors: g.errors,
      failed: g.failed,
      messages: [...g.messages.values()].sort((a, b) => b.count - a.count),
      other_messages: g.other,
      failures: g.failures,
    }));
  }
}
