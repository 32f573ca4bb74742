import { InvalidArgumentError, type Command } from 'commander';
import { z } from 'zod';
import type { GateConfig } from '../report/index.ts';
import type { PlanOverrides } from '../plan/index.ts';
import { parseEfforts, parseList, parsePositiveInt, parsePositiveNumber, parseShare } from './parse-flags.ts';
import { EFFORTS } from '../suite/effort.ts';
import { optionalBoolean, optionalNumber } from './typed-options.ts';

/** Library parsers throw InputError; commander wants InvalidArgumentError to name the flag. */
export function wrapInputParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

/** The flags that change the plan, shared by `run` and `estimate`. */
export function addPlanOptions(cmd: Command): Command {
  return cmd
    .option('--models <list>', 'models instead of the suite\'s, comma-separated provider:model (e.g. sim:fast,vigthoria:v2-code)', parseList)
    .option('--efforts <list>', `reasoning efforts instead of the suite's: ${EFFORTS.join(',')} (each API accepts some of them)`, parseEfforts)
    .option('--repeats <n>', 'times to run each case', parsePositiveInt)
    .option('--filter <list>', 'only cases with these ids or tags, comma-separated', parseList)
    .option('--max-jobs <n>', 'largest plan accepted, cases x models x efforts x repeats (default 1000000)', parsePositiveInt)
    .option('--limit <n>', 'only the first N cases (after --filter), e.g. to try a large dataset', parsePositiveInt);
}

/** The values of addPlanOptions' flags (each checked by its parser). */
export const PLAN_FLAGS = {
  models: z.array(z.string()).optional(),
  efforts: z.array(z.enum(EFFORTS)).optional(),
  repeats: optionalNumber,
  filter: z.array(z.string()).optional(),
  maxJobs: optionalNumber,
  limit: optionalNumber,
};
export type PlanFlags = z.infer<z.ZodObject<typeof PLAN_FLAGS>>;

/** The plan flags as plan overrides (`timeoutMs` from `run --timeout`). */
export function planOverrides(o: PlanFlags, timeoutMs?: number): PlanOverrides {
  return { models: o.models, efforts: o.efforts, repeats: o.repeats, timeoutMs, filter: o.filter, maxJobs: o.maxJobs, limit: o.limit };
}

/** The gate flags, shared by `run` and `report`. Rates are fractions (0.9 = 90%). */
export function addGateOptions(cmd: Command): Command {
  return cmd
    .option('--min-pass-rate <x>', 'gate: lowest acceptable pass rate, 0..1', parseShare)
    .option('--max-error-rate <x>', 'gate: highest acceptable share of failed requests, 0..1', parseShare)
    .option('--max-p95-ttft-ms <ms>', 'gate: highest acceptable p95 time to first token', parsePositiveNumber)
    .option('--max-p95-latency-ms <ms>', 'gate: highest acceptable p95 latency', parsePositiveNumber)
    .option('--per-config', 'gates apply to every model x effort, not only the run as a whole');
}

/** The values of addGateOptions' flags, with the --max-cost both gating commands have. */
export const GATE_FLAGS = {
  minPassRate: optionalNumber,
  maxErrorRate: optionalNumber,
  maxP95TtftMs: optionalNumber,
  maxP95LatencyMs: optionalNumber,
  maxCost: optionalNumber,
  perConfig: optionalBoolean,
};
export type GateFlags = z.infer<z.ZodObject<typeof GATE_FLAGS>>;

/** The gate flags' values as a gates: block (unset flags stay unset; the suite fills them). */
export function gateFlags(o: GateFlags): Partial<GateConfig> {
  return {
    min_pass_rate: o.minPassRate,
    max_error_rate: o.maxErrorRate,
    max_p95_ttft_ms: o.maxP95TtftMs,
    max_p95_latency_ms: o.maxP95LatencyMs,
    max_cost_usd: o.maxCost,
    per_config: o.perConfig ? true : undefined,
  };
}
