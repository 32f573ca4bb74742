import { InputError } from '../errors/input-error.ts';
import { configLabel } from '../grade/statistics/index.ts';
import { renderMarkdownTable, renderTextTable, type Align } from '../grade/statistics/text-table.ts';
import type { GroupSummary, Summary } from './summary.ts';
import { fmtCost, fmtInt, fmtMs, fmtPct } from './summary-format.ts';

export { gatesSchema, type GateConfig } from '../suite/gates-schema.ts';
import { gatesSchema, type GateConfig } from '../suite/gates-schema.ts';

/** The threshold keys, in the order gates are evaluated and shown. */
export const GATE_NAMES = ['min_pass_rate', 'max_error_rate', 'max_p95_ttft_ms', 'max_p95_latency_ms', 'max_cost_usd'] as const;
export type GateName = (typeof GATE_NAMES)[number];

/** Rows of the gate table: the thresholds, plus the run budgets that have no suite key. */
export type GateRowName = GateName | 'max_tokens' | 'max_requests';

export interface GateResult {
  gate: GateRowName;
  /** 'overall', or the configuration as `provider:model` plus ` [effort]` when an effort was sent. */
  scope: string;
  threshold: number;
  /** null when there was nothing to measure (the gate then fails; `note` says why). */
  measured: number | null;
  pass: boolean;
  /** What the measurement rests on (e.g. `23/30`), or why there was none. */
  note?: string;
}

/** Float noise (23/30 computed two ways) must not flip a verdict at the threshold itself. */
const EPSILON = 1e-9;

/**
 * Combine the suite's `gates:` with flag overrides (flags win key by key) and validate the result.
 * null when no threshold is set at all. Throws InputError BAD_GATE on an out-of-range value.
 */
export function resolveGates(fromSuite?: GateConfig | null, fromFlags?: Partial<GateConfig> | null): GateConfig | null {
  const merged: Record<string, unknown> = { ...(fromSuite ?? {}) };
  for (const [k, v] of Object.entries(fromFlags ?? {})) if (v !== undefined) merged[k] = v;
  const parsed = gatesSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'gates'}: ${i.message}`);
    throw new InputError('BAD_GATE', `bad gate: ${issues.join('; ')} (rates are fractions: 0.9 means 90%)`);
  }
  return GATE_NAMES.some((g) => parsed.data[g] !== undefined) ? parsed.data : null;
}

/**
 * Check a run's summary against the gates. One result per gate set, for the run as a whole, or
 * (per_config) for every model x effort in summary.groups.
 *
 * What each gate measures:
 * - min_pass_rate: the pass rate every output shows (summary grading; grade/statistics/pass-rate.ts):
 *   every attempted (case, repeat) of a graded case, errors and skips counted as failures.
 * - max_error_rate: error rows / rows sent (ok + error; skipped jobs were never sent).
 * - max_p95_ttft_ms, max_p95_latency_ms: the summary's p95 over successful, measured requests.
 * - max_cost_usd: the summary's cost total.
 * A gate with nothing to measure (nothing graded, no request sent or succeeded, no price known)
 * FAILS, with a note saying why: a gate that cannot be checked must not pass silently.
 */
export function evaluateGates(summary: Summary, gates: GateConfig): GateResult[] {
  const scopes: { scope: string; group: GroupSummary; pass: PassCount | null }[] = gates.per_config
    ? summary.groups.map((g) => ({
        scope: configLabel(g.provider, g.model, g.reasoning_effort),
        group: g,
        pass: passCount(g),
      }))
    : [{ scope: 'overall', group: summary.overall, pass: passCount(summary.overall) }];

  const results: GateResult[] = [];
  for (const gate of GATE_NAMES) {
    const threshold = gates[gate];
    if (threshold === undefined) continue;
    for (const s of scopes) results.push(measure(gate, threshold, s.group, s.pass, s.scope));
  }
  return results;
}

/** What a run budget (`--max-cost`, `--max-tokens`, `--max-requests`) allowed and used. */
export interface BudgetUse {
  gate: 'max_cost_usd' | 'max_tokens' | 'max_requests';
  limit: number;
  used: number;
  /** It refused a job: the run did not complete within it. */
  stopped: boolean;
}

/**
 * The budgets' verdicts in the gate table, so that it agrees with the exit code: a budget that
 * stopped the run FAILS (its jobs not run are skipped rows, exit 1). A `max_cost_usd` gate row
 * already there (the --max-cost flag is also a gate) gets the budget's verdict folded in.
 */
export function withBudgetVerdicts(results: readonly GateResult[], uses: readonly BudgetUse[], notRun: number): GateResult[] {
  const out = [...results];
  for (const u of uses) {
    const note = u.stopped ? `budget reached: ${notRun} jobs not run (skipped, error_type budget)` : undefined;
    const i = out.findIndex((r) => r.gate === u.gate && r.scope === 'overall');
    if (i >= 0) {
      const r = out[i];
      out[i] = u.stopped ? { ...r, pass: false, note: r.note ? `${r.note}; ${note}` : note } : r;
      continue;
    }
    const row: GateResult = { gate: u.gate, scope: 'overall', threshold: u.limit, measured: u.used, pass: !u.stopped };
    out.push(note ? { ...row, note } : row);
  }
  return out;
}

/** True when every gate passed (also when there were none). */
export function gatesPassed(results: readonly GateResult[]): boolean {
  return results.every((r) => r.pass);
}

interface PassCount {
  passes: number;
  graded: number;
  /** Errors and skips counted as failures (part of `graded`). */
  errors: number;
  skipped: number;
}

/** The group's pass rate as every other output shows it (summary grading, from grade/statistics/pass-rate.ts). */
function passCount(g: GroupSummary): PassCount | null {
  const gr = g.grading;
  return gr.graded > 0
    ? { passes: gr.passed, graded: gr.graded, errors: gr.errors_as_failures, skipped: gr.skipped_as_failures }
    : null;
}

function measure(gate: GateName, threshold: number, g: GroupSummary, pc: PassCount | null, scope: string): GateResult {
  const result = (measured: number | null, note?: string): GateResult => {
    const pass = measured !== null && (gate === 'min_pass_rate' ? measured >= threshold - EPSILON : measured <= threshold + EPSILON);
    return note === undefined ? { gate, scope, threshold, measured, pass } : { gate, scope, threshold, measured, pass, note };
  };
  switch (gate) {
    case 'min_pass_rate': {
      if (!pc || pc.graded === 0) return result(null, 'nothing graded: the suite needs assertions for a pass rate');
      const errors = pc.errors > 0 ? `, ${pc.errors} errors counted as failures` : '';
      const skipped = pc.skipped > 0 ? `, ${pc.skipped} skipped counted as failures` : '';
      return result(pc.passes / pc.graded, `${pc.passes}/${pc.graded} passed${errors}${skipped}`);
    }
    case 'max_error_rate': {
      const sent = g.counts.ok + g.counts.error;
      if (sent === 0) return result(null, 'no request was sent');
      return result(g.counts.error / sent, `${g.counts.error}/${sent} requests failed`);
    }
    case 'max_p95_ttft_ms':
    case 'max_p95_latency_ms': {
      const d = gate === 'max_p95_ttft_ms' ? g.metrics.ttft_ms : g.metrics.latency_ms;
      if (d.p95 === null) return result(null, 'no successful request was measured');
      return result(d.p95, `p95 of ${d.count} requests`);
    }
    case 'max_cost_usd':
      if (g.cost_usd === null) return result(null, 'no cost known: no price for these models, or no request sent');
      return result(g.cost_usd);
  }
}

function fmtValue(gate: GateRowName, v: number | null): string {
  if (v === null) return 'n/a';
  switch (gate) {
    case 'max_tokens':
      return `${fmtInt(v)} tok`;
    case 'max_requests':
      return fmtInt(v);
    case 'min_pass_rate':
    case 'max_error_rate':
      return fmtPct(v);
    case 'max_p95_ttft_ms':
    case 'max_p95_latency_ms':
      return `${fmtMs(v)} ms`;
    case 'max_cost_usd':
      return fmtCost(v);
  }
}

function fmtThreshold(gate: GateRowName, threshold: number): string {
  return `${gate === 'min_pass_rate' ? '>=' : '<='} ${fmtValue(gate, threshold)}`;
}

/**
 * The gate table: gate, scope, threshold, measured value, verdict (and a note column when any
 * result has one), under a one-line tally. `markdown` gives a `## Gates` section for summary.md
 * or $GITHUB_STEP_SUMMARY.
 */
export function renderGatesTable(results: readonly GateResult[], format: 'text' | 'markdown' = 'text'): string {
  const md = format === 'markdown';
  const failed = results.filter((r) => !r.pass).length;
  const tally = results.length === 0
    ? 'Gates: none set.'
    : failed === 0
      ? `Gates: all ${results.length} passed.`
      : `Gates: ${failed} of ${results.length} FAILED.`;
  const head = md ? ['## Gates', '', tally] : [tally];
  if (results.length === 0) return head.join('\n') + '\n';

  const withNotes = results.some((r) => r.note !== undefined);
  const headers = ['Gate', 'Scope', 'Threshold', 'Measured', 'Verdict', ...(withNotes ? ['Note'] : [])];
  const align: Align[] = ['left', 'left', 'right', 'right', 'left', 'left'];
  const rows = results.map((r) => [
    md ? `\`${r.gate}\`` : r.gate,
    r.scope,
    fmtThreshold(r.gate, r.threshold),
    fmtValue(r.gate, r.measured),
    r.pass ? 'pass' : md ? '**FAIL**' : 'FAIL',
    ...(withNotes ? [r.note ?? ''] : []),
  ]);
  const table = md ? renderMarkdownTable(headers, rows, align) : renderTextTable(headers, rows, align);
  return [...head, '', table].join('\n') + '\n';
}
