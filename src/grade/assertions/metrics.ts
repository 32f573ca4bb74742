import type { AssertionSpec } from '../../suite/schema.ts';
import type { AssertionType, FieldProblem } from '../types.ts';
import { GradingError } from '../grading-error.ts';
import { field, needNumber, needString } from './spec-values.ts';

/**
 * Assertions on the request's measured figures: latency / ttft (max ms), cost (max USD),
 * finish-reason. A figure that was not measured gives no verdict (a failed assertion saying so),
 * whatever the `not-` prefix.
 */

/** The limit: `value`, or `threshold` as promptfoo spells it. */
function limit(spec: AssertionSpec): number {
  return (spec.value ?? field(spec, 'threshold')) as number;
}

function checkLimit(spec: AssertionSpec, what: string): FieldProblem[] {
  const key = spec.value === undefined && field(spec, 'threshold') !== undefined ? 'threshold' : 'value';
  return needNumber(spec, key, 0, Infinity, true, what);
}

function timing(name: 'latency' | 'ttft', metric: 'latencyMs' | 'ttftMs', label: string): AssertionType {
  return {
    inline: true,
    validate: (spec) => checkLimit(spec, 'the most milliseconds that pass'),
    grade(spec, ctx) {
      const max = limit(spec);
      const v = ctx[metric];
      if (v === null) throw new GradingError('NOT_MEASURED', `cannot grade ${name}: ${label} was not measured for this answer`);
      return { pass: v <= max, score: v <= max ? 1 : 0, expected: `${label} <= ${max} ms`, got: `${round(v)} ms` };
    },
  };
}

const cost: AssertionType = {
  inline: true,
  validate: (spec) => checkLimit(spec, 'the most US dollars that pass'),
  grade(spec, ctx) {
    const max = limit(spec);
    if (ctx.costUsd === null) throw new GradingError('NOT_MEASURED', 'cannot grade cost: no cost is known for this answer (no price for the model, or no token counts)');
    return { pass: ctx.costUsd <= max, score: ctx.costUsd <= max ? 1 : 0, expected: `cost <= $${max}`, got: `$${ctx.costUsd.toPrecision(4)}` };
  },
};

const finishReason: AssertionType = {
  inline: true,
  validate: (spec) => needString(spec, 'a finish reason such as stop, length, tool_calls or content_filter'),
  grade(spec, ctx) {
    const want = String(spec.value);
    if (ctx.finishReason === null) throw new GradingError('NOT_MEASURED', 'cannot grade finish-reason: the server sent no finish_reason');
    return { pass: ctx.finishReason === want, score: ctx.finishReason === want ? 1 : 0, expected: `finish_reason ${JSON.stringify(want)}`, got: JSON.stringify(ctx.finishReason) };
  },
};

function round(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

export const METRIC_ASSERTIONS: Record<string, AssertionType> = {
  latency: timing('latency', 'latencyMs', 'latency'),
  ttft: timing('ttft', 'ttftMs', 'time to first token'),
  cost,
  'finish-reason': finishReason,
};
