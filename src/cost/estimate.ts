import type { Job } from '../plan/types.ts';
import type { Effort } from '../suite/schema.ts';
import { countMessageTokens } from '../measure/tokenizer.ts';
import { percentileSorted } from '../measure/percentile.ts';
import type { ModelPrice, PriceTable } from './price-table.ts';
import { priceFor } from './price-table.ts';
import { roundUsd, unpricedWarning } from './request-cost.ts';
import { formatUsd as usd } from './format-usd.ts';
import { DEFAULT_MAX_COMPLETION_TOKENS, jobModelRef, maxCompletionTokensOf, type PromptCounter } from './worst-case.ts';

/**
 * `evalbench estimate`: what a run would cost, without sending a request.
 *
 * Prompt tokens, all billed uncached at the input rate: counted per job with the tokenizer
 * (messages incl. system prompt and images, by the tokenizer's documented rule); but where a
 * previous run (`--from`) has ok rows for the same case x model x effort, the mean prompt_tokens
 * the server reported instead: that is the count it bills (its chat template, image rule and
 * any hidden system prompt included), which a client-side tokenizer can only approximate.
 * Output tokens per job (completion, reasoning included), first rule that applies:
 *  1. `observed`: rows of a previous run (`--from`) for the same case x model x effort:
 *     low = min, expected = mean, high = p95 of their completion_tokens.
 *  2. `model_observed`: no row for that case, but some for the model x effort: the same
 *     statistics pooled over all its cases.
 *  3. `max_completion_tokens`: low = 0, expected = high = the job's cap (an upper bound).
 *  4. `default_max`: no cap set: DEFAULT_MAX_COMPLETION_TOKENS, flagged in the warnings.
 * Only rows with status ok and a numeric completion_tokens count as observations.
 * Costs: low/expected/high tokens at the price; where a price bills reasoning apart, low uses
 * the cheaper of the output/reasoning rates, high the dearer, expected the output rate.
 */

/** The result-row fields the estimate reads (a results.jsonl row has them all). */
export interface EstimateSourceRow {
  case_id: string;
  provider: string;
  model: string;
  /** '' or null when the field was not sent. */
  reasoning_effort: string | null;
  status: string;
  completion_tokens: number | null;
  prompt_tokens?: number | null;
}

export interface Range {
  low: number;
  expected: number;
  high: number;
}

export type OutputBasis = 'observed' | 'model_observed' | 'max_completion_tokens' | 'default_max';
export type PromptBasis = 'observed' | 'tokenizer';

export interface EstimateGroup {
  modelRef: string;
  provider: string;
  model: string;
  reasoningEffort: Effort | null;
  jobs: number;
  promptTokens: number;
  outputTokens: Range;
  /** USD; null when the model is unpriced. */
  cost: Range | null;
  /** How many of the group's jobs got their output tokens by each rule. */
  basis: Record<OutputBasis, number>;
  /** How many of the group's jobs got their prompt tokens from the previous run vs the tokenizer. */
  promptBasis: Record<PromptBasis, number>;
}

export interface Estimate {
  groups: EstimateGroup[];
  total: {
    jobs: number;
    promptTokens: number;
    outputTokens: Range;
    /** Sum over priced groups only (see `unpriced`); null when no group is priced. */
    cost: Range | null;
  };
  /** Model references with no price: their cost is left out, never guessed. */
  unpriced: string[];
  /** True when observations from a previous run were given. */
  fromRun: boolean;
  warnings: string[];
}

export interface EstimateOptions {
  fromRows?: Iterable<EstimateSourceRow>;
  /** Defaults to the tokenizer's countMessageTokens. */
  countPromptTokens?: PromptCounter;
  defaultMaxCompletionTokens?: number;
  /**
   * Each job stands for this many identical jobs (default 1): `estimate` passes one job per case
   * x model x effort and the repeat count, so a plan of 1e9 repeats costs no memory or time per job.
   */
  repeats?: number;
}

interface Stats {
  min: number;
  mean: number;
  p95: number;
}

interface CaseObservation {
  output: Stats;
  /** Mean reported prompt_tokens; undefined when no row reported it. */
  promptMean?: number;
}

export function estimateRun(jobs: Iterable<Job>, table: PriceTable, opts: EstimateOptions = {}): Estimate {
  const k = opts.repeats ?? 1;
  const count = memoisedCounter(opts.countPromptTokens ?? countMessageTokens);
  const fallbackMax = opts.defaultMaxCompletionTokens ?? DEFAULT_MAX_COMPLETION_TOKENS;
  const { perCase, perGroup, any: fromRun } = observe(opts.fromRows);

  const groups = new Map<string, EstimateGroup>();
  for (const job of jobs) {
    const modelRef = jobModelRef(job);
    const effort = job.reasoningEffort ?? '';
    const gk = groupKey(modelRef, effort);
    let g = groups.get(gk);
    if (!g) {
      g = {
        modelRef, provider: job.provider, model: job.model, reasoningEffort: job.reasoningEffort,
        jobs: 0, promptTokens: 0, outputTokens: zero(), cost: null,
        basis: { observed: 0, model_observed: 0, max_completion_tokens: 0, default_max: 0 },
        promptBasis: { observed: 0, tokenizer: 0 },
      };
      groups.set(gk, g);
    }
    g.jobs += k;
    const seen = perCase.get(caseKey(job.caseId, gk));
    if (seen?.promptMean !== undefined) {
      g.promptTokens += seen.promptMean * k;
      g.promptBasis.observed += k;
    } else {
      g.promptTokens += count(job.messages) * k;
      g.promptBasis.tokenizer += k;
    }

    let out: Range;
    const groupStats = perGroup.get(gk);
    if (seen) {
      out = fromStats(seen.output);
      g.basis.observed += k;
    } else if (groupStats) {
      out = fromStats(groupStats);
      g.basis.model_observed += k;
    } else {
      const max = maxCompletionTokensOf(job, fallbackMax);
      out = { low: 0, expected: max.tokens, high: max.tokens };
      g.basis[max.assumed ? 'default_max' : 'max_completion_tokens'] += k;
    }
    addInto(g.outputTokens, k === 1 ? out : mapRange(out, (x) => x * k));
  }

  const unpriced: string[] = [];
  const total: Estimate['total'] = { jobs: 0, promptTokens: 0, outputTokens: zero(), cost: null };
  for (const g of groups.values()) {
    const price = priceFor(table, g.modelRef);
    if (price) g.cost = groupCost(price, g.promptTokens, g.outputTokens);
    else if (!unpriced.includes(g.modelRef)) unpriced.push(g.modelRef);
    total.jobs += g.jobs;
    total.promptTokens += g.promptTokens;
    addInto(total.outputTokens, g.outputTokens);
    if (g.cost) {
      total.cost ??= zero();
      addInto(total.cost, g.cost);
    }
  }
  if (total.cost) total.cost = mapRange(total.cost, roundUsd);

  return { groups: [...groups.values()], total, unpriced, fromRun, warnings: warningsFor([...groups.values()], unpriced, fromRun, fallbackMax) };
}

/** Whether the estimate is above `--max-cost` (by its expected cost unless told otherwise). */
export function estimateOverBudget(estimate: Estimate, maxCostUsd: number, basis: keyof Range = 'expected'): boolean {
  return (estimate.total.cost?.[basis] ?? 0) > maxCostUsd;
}

/** The table `evalbench estimate` prints, then its warnings. */
export function renderEstimateText(estimate: Estimate): string {
  const header = ['model × effort', 'jobs', 'prompt tok', 'output tok low / expected / high', 'cost USD low / expected / high'];
  const rows = estimate.groups.map((g) => [
    `${g.modelRef} × ${g.reasoningEffort ?? 'default'}`,
    String(g.jobs),
    int(g.promptTokens),
    rangeText(g.outputTokens, int),
    g.cost ? rangeText(g.cost, usd) : 'unpriced',
  ]);
  const t = estimate.total;
  const totalCost = t.cost
    ? rangeText(t.cost, usd) + (estimate.unpriced.length > 0 ? ' (priced models only)' : '')
    : 'unpriced';
  rows.push(['total', String(t.jobs), int(t.promptTokens), rangeText(t.outputTokens, int), totalCost]);

  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(header), rule, ...rows.slice(0, -1).map(line), rule, line(rows[rows.length - 1])];
  out.push('', estimate.fromRun
    ? 'From the previous run: output tokens low = min, expected = mean, high = p95 per case × model × effort; ' +
      'prompt tokens as the server reported them (tokenizer count for cases it did not run).'
    : 'No previous run given (--from): output tokens range from 0 to max_completion_tokens.');
  for (const w of estimate.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}

function observe(rows: Iterable<EstimateSourceRow> | undefined) {
  const caseSamples = new Map<string, number[]>();
  const promptSamples = new Map<string, number[]>();
  const groupSamples = new Map<string, number[]>();
  let any = false;
  for (const r of rows ?? []) {
    any = true;
    if (r.status !== 'ok' || !isCount(r.completion_tokens)) continue;
    const gk = groupKey(`${r.provider}:${r.model}`, r.reasoning_effort ?? '');
    const ck = caseKey(r.case_id, gk);
    push(caseSamples, ck, r.completion_tokens);
    push(groupSamples, gk, r.completion_tokens);
    if (isCount(r.prompt_tokens)) push(promptSamples, ck, r.prompt_tokens);
  }
  const perCase = new Map<string, CaseObservation>();
  for (const [ck, samples] of caseSamples) {
    const p = promptSamples.get(ck);
    perCase.set(ck, { output: stats(samples), promptMean: p ? p.reduce((s, x) => s + x, 0) / p.length : undefined });
  }
  return { perCase, perGroup: mapValues(groupSamples, stats), any };
}

function isCount(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  return { min: sorted[0], mean: sorted.reduce((s, x) => s + x, 0) / sorted.length, p95: percentileSorted(sorted, 95) };
}

function fromStats(s: Stats): Range {
  return { low: s.min, expected: s.mean, high: s.p95 };
}

function groupCost(price: ModelPrice, prompt: number, out: Range): Range {
  const lowRate = Math.min(price.output, price.reasoning ?? price.output);
  const highRate = Math.max(price.output, price.reasoning ?? price.output);
  const input = prompt * price.input;
  return {
    low: roundUsd((input + out.low * lowRate) * 1e-6),
    expected: roundUsd((input + out.expected * price.output) * 1e-6),
    high: roundUsd((input + out.high * highRate) * 1e-6),
  };
}

function warningsFor(groups: EstimateGroup[], unpriced: string[], fromRun: boolean, fallbackMax: number): string[] {
  const w: string[] = [];
  const u = unpricedWarning(unpriced);
  if (u) w.push(u);
  const sum = (b: OutputBasis) => groups.reduce((s, g) => s + g.basis[b], 0);
  const assumed = sum('default_max');
  if (assumed > 0) {
    w.push(
      `${assumed} job(s) set no max_completion_tokens: their output is taken as ${fallbackMax} tokens, ` +
        'an assumption rather than a bound. Set max_completion_tokens in the suite for a real upper bound.',
    );
  }
  if (fromRun) {
    const pooled = sum('model_observed');
    const unobserved = sum('max_completion_tokens') + assumed;
    if (pooled > 0) w.push(`${pooled} job(s) have no observation of their case in the previous run: used their model × effort's observations.`);
    if (unobserved > 0) w.push(`${unobserved} job(s) have no observation of their model × effort in the previous run: used max_completion_tokens.`);
  }
  return w;
}

/** Prompts repeat across models, efforts and repeats: count each distinct one once. */
function memoisedCounter(count: PromptCounter): PromptCounter {
  // Keyed by the array itself (the jobs of one case share it), so a 100,000-case plan
  // walked lazily keeps no table of prompts.
  const cache = new WeakMap<object, number>();
  return (messages) => {
    let n = cache.get(messages);
    if (n === undefined) {
      n = count(messages);
      cache.set(messages, n);
    }
    return n;
  };
}

const groupKey = (modelRef: string, effort: string) => `${modelRef}\u0000${effort}`;
const caseKey = (caseId: string, gk: string) => `${caseId}\u0000${gk}`;
const zero = (): Range => ({ low: 0, expected: 0, high: 0 });

function addInto(acc: Range, r: Range): void {
  acc.low += r.low;
  acc.expected += r.expected;
  acc.high += r.high;
}

function mapRange(r: Range, f: (x: number) => number): Range {
  return { low: f(r.low), expected: f(r.expected), high: f(r.high) };
}

function push<K>(m: Map<K, number[]>, k: K, v: number): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

function mapValues<K, A, B>(m: Map<K, A>, f: (a: A) => B): Map<K, B> {
  const out = new Map<K, B>();
  for (const [k, v] of m) out.set(k, f(v));
  return out;
}

function rangeText(r: Range, f: (x: number) => string): string {
  return `${f(r.low)} / ${f(r.expected)} / ${f(r.high)}`;
}

function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}
