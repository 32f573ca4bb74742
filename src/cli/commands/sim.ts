import type { Command, OptionValues } from 'commander';
import { z } from 'zod';
import { startSimulator } from '../../providers/sim/index.ts';
import { out, type SetExit } from '../console.ts';
import { parseNonNegativeInt, parseShare } from '../parse-flags.ts';
import { optionalNumber, readOptions } from '../typed-options.ts';

export const SIM_FLAGS = z.strictObject({
  port: z.number(), seed: z.number(), ttftMs: optionalNumber, itlMs: optionalNumber, errorRate: optionalNumber, rateLimitRate: optionalNumber,
  retryAfter: optionalNumber, resetRate: optionalNumber, stallRate: optionalNumber, stallMs: optionalNumber,
});

/** `evalbench sim`: the simulator as a standalone server until Ctrl-C. */
export function registerSim(program: Command, setExit: SetExit): void {
  program
    .command('sim')
    .option('--port <n>', 'port (0 = any free port)', parseNonNegativeInt, 8787)
    .option('--seed <n>', 'seed for delays and answers', parseNonNegativeInt, 42)
    .option('--ttft-ms <ms>', 'fixed time to first token for every model', parseNonNegativeInt)
    .option('--itl-ms <ms>', 'fixed inter-token delay for every model', parseNonNegativeInt)
    .option('--error-rate <p>', 'share of requests answered with HTTP 500/503', parseShare)
    .option('--rate-limit-rate <p>', 'share of requests answered with HTTP 429 + Retry-After', parseShare)
    .option('--retry-after <s>', 'Retry-After seconds on simulated 429s', parseNonNegativeInt)
    .option('--reset-rate <p>', 'share of streams whose connection is reset mid-stream', parseShare)
    .option('--stall-rate <p>', 'share of streams that pause mid-stream', parseShare)
    .option('--stall-ms <ms>', 'length of a stall', parseNonNegativeInt)
    .addHelpText('after', `
Models: fast, slow, reasoner (reasoning tokens grow with reasoning_effort), flaky, instant.
Per-request test headers: x-sim-ttft-ms, x-sim-itl-ms, x-sim-fault (429, 500, 502-html,
reset-mid-stream, stall, error-event, no-done, malformed-json, gzip, ...). It is a simulator,
not a language model: answers come from a small deterministic task engine.`)
    .action(async (values: OptionValues) => {
      const o = readOptions('sim', SIM_FLAGS, values);
      const faults = Object.fromEntries(Object.entries({
        errorRate: o.errorRate, rateLimitRate: o.rateLimitRate, retryAfterSeconds: o.retryAfter,
        resetRate: o.resetRate, stallRate: o.stallRate, stallMs: o.stallMs,
      }).filter(([, v]) => v !== undefined));
      const sim = await startSimulator({ port: o.port, seed: o.seed, fixedTtftMs: o.ttftMs, fixedItlMs: o.itlMs, faults });
      out(`simulator listening on ${sim.url} (POST /chat/completions, GET /models)`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await sim.close();
    });
}
