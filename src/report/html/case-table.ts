import type { ResultRow } from '../../results/result-row.ts';
import { fmtCost, fmtInt, fmtMs } from '../summary-format.ts';
import { escapeHtml, truncateText } from './escape-html.ts';

/**
 * The per-case table, bounded so a 10,000-job report stays well under 5 MB:
 * - at most `maxRows` rows (default 2,000): failed and errored rows first (the ones people open
 *   the report for), then the rest, each in run order; the table shows them in that order too,
 *   and a click on a column header sorts by that column (again: the other way);
 * - outputs and reasons/error messages cut to `textChars` characters (default 300) with the
 *   full length noted; the full text stays in results.jsonl, not in the HTML;
 * - a byte budget on the rendered rows (default 3 MB) as a last guard against outputs that
 *   escape to several bytes a character.
 * A note under the table says how many rows were left out.
 */
export interface CaseTableOptions {
  maxRows?: number;
  textChars?: number;
  byteBudget?: number;
}

export type Verdict = 'pass' | 'fail' | 'error' | 'skipped' | 'ok';

interface CaseEntry {
  /** 1-based position in results.jsonl. */
  n: number;
  verdict: Verdict;
  caseId: string;
  configKey: string;
  configLabel: string;
  repeat: number;
  score: number | null;
  latency: number | null;
  ttft: number | null;
  tokens: string;
  cost: number | null;
  output: string;
  outputLength: number;
  detail: string;
  detailLength: number;
  cached: boolean;
}

export function verdictOf(row: Pick<ResultRow, 'status' | 'passed'>): Verdict {
  if (row.status === 'error') return 'error';
  if (row.status === 'skipped') return 'skipped';
  return row.passed === true ? 'pass' : row.passed === false ? 'fail' : 'ok';
}

function detailOf(row: ResultRow): string {
  if (row.status !== 'ok') {
    const type = row.error_type ?? row.status;
    return row.error_message ? `${type}: ${row.error_message}` : type;
  }
  return Array.isArray(row.reasons) ? row.reasons.join('\n') : '';
}

export class CaseTableCollector {
  readonly maxRows: number;
  readonly textChars: number;
  readonly byteBudget: number;
  /** Rows seen. */
  total = 0;
  private readonly problems: CaseEntry[] = [];
  private readonly others: CaseEntry[] = [];

  constructor(options: CaseTableOptions = {}) {
    this.maxRows = options.maxRows ?? 2000;
    this.textChars = options.textChars ?? 300;
    this.byteBudget = options.byteBudget ?? 3_000_000;
  }

  add(row: ResultRow, configKey: string, configLabel: string): void {
    this.total++;
    const verdict = verdictOf(row);
    const list = verdict === 'fail' || verdict === 'error' ? this.problems : this.others;
    // Only the first maxRows of each kind can ever be shown: don't keep more.
    if (list.length >= this.maxRows) return;
    const output = typeof row.output === 'string' ? row.output : '';
    const detail = detailOf(row);
    const tokens = row.prompt_tokens === null && row.completion_tokens === null
      ? '-'
      : `${fmtInt(row.prompt_tokens)} / ${fmtInt(row.completion_tokens)}${row.usage_source === 'estimated' ? ' ~' : ''}`;
    list.push({
      n: this.total,
      verdict,
      caseId: String(row.case_id),
      configKey,
      configLabel,
      repeat: row.repeat,
      score: row.score,
      latency: row.latency_ms,
      ttft: row.ttft_ms,
      tokens,
      cost: row.cost_usd,
      output: truncateText(output, this.textChars).text,
      outputLength: output.length,
      detail: truncateText(detail, this.textChars).text,
      detailLength: detail.length,
      cached: row.cached === true,
    });
  }

  /** Table HTML; `colorClass` maps a configuration key to its swatch class. */
  render(colorClass: (configKey: string) => string): string {
    const chosen = [...this.problems, ...this.others].slice(0, this.maxRows);
    const kept: { n: number; bad: number; html: string }[] = [];
    let bytes = 0;
    for (const e of chosen) {
      const html = renderRow(e, colorClass(e.configKey));
      const size = Buffer.byteLength(html, 'utf8');
      if (bytes + size > this.byteBudget) break;
      bytes += size;
      kept.push({ n: e.n, bad: e.verdict === 'fail' || e.verdict === 'error' ? 0 : 1, html });
    }
    // Failures and errors first (what people open the report for), each part in run order.
    kept.sort((a, b) => a.bad - b.bad || a.n - b.n);
    const left = this.total - kept.length;
    const note = left > 0
      ? `<p class="note" id="case-note">${fmtInt(kept.length)} of ${fmtInt(this.total)} rows shown (failures and errors first); `
        + `${fmtInt(left)} left out to keep this file small. Every row, with full outputs, is in results.jsonl.</p>`
      : '';
    const head = ['#', 'Case', 'Config', 'Rep', 'Result', 'Score', 'Latency ms', 'TTFT ms', 'Tokens in / out', 'Cost',
      `Output (first ${this.textChars} chars)`, 'Reasons / error'];
    return '<div class="filters"><label>Filter <input id="case-filter" type="search" placeholder="case, model, output, reason…" autocomplete="off"></label> '
      + '<label>Show <select id="case-status"><option value="">all</option><option value="bad">failed or error</option>'
      + '<option value="fail">failed</option><option value="pass">passed</option><option value="error">error</option>'
      + '<option value="skipped">skipped</option></select></label> '
      + `<span id="case-count">${fmtInt(kept.length)} shown</span>`
      + '<span class="more">Failures and errors first; a column header sorts by that column (again: the other way).</span></div>'
      + note
      // A grid of rows, not a <table>: rows get content-visibility:auto, so the browser lays out
      // only the rows on screen and a 2,000-row report still opens in a fraction of a second.
      + '<div class="scroll wide"><div id="cases" class="cases" role="table">'
      // Native buttons: focusable and pressed with Enter or Space, announced as sortable headers.
      + `<div class="row head" role="row">${head.map((h, i) => `<div role="columnheader" data-col="${i}" aria-sort="none">`
        + `<button type="button" title="sort by ${escapeHtml(h)}">${escapeHtml(h)}</button></div>`).join('')}</div>`
      + kept.map((k) => k.html).join('')
      + '</div></div>';
  }
}

function clipped(text: string, fullLength: number): string {
  const more = fullLength - text.length;
  return escapeHtml(text) + (more > 0 ? `<span class="more">… (+${fmtInt(more)} chars)</span>` : '');
}

/** Sort key of the Result column: worst first when ascending. */
const VERDICT_RANK: Record<Verdict, number> = { error: 0, fail: 1, skipped: 2, ok: 3, pass: 4 };

function renderRow(e: CaseEntry, swatch: string): string {
  const score = e.score === null ? '-' : String(Number(e.score.toFixed(3)));
  const cell = (html: string) => `<div role="cell">${html}</div>`;
  const num = (html: string) => `<div role="cell" class="num">${html}</div>`;
  return `<div class="row" role="row" data-s="${e.verdict}">${num(String(e.n))}${cell(escapeHtml(e.caseId))}`
    + cell(`<span class="sw ${swatch}"></span>${escapeHtml(e.configLabel)}`) + num(String(e.repeat))
    + `<div role="cell" data-k="${VERDICT_RANK[e.verdict]}"><span class="badge ${e.verdict}">${e.verdict}</span>${e.cached ? ' <span class="more">cached</span>' : ''}</div>`
    + num(score) + num(fmtMs(e.latency)) + num(fmtMs(e.ttft)) + num(e.tokens) + num(fmtCost(e.cost))
    + `<div role="cell" class="text">${clipped(e.output, e.outputLength)}</div>`
    + `<div role="cell" class="text">${clipped(e.detail, e.detailLength)}</div></div>`;
}
