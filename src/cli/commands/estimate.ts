import type { Command, OptionValues } from 'commander';
import { z } from 'zod';
import { EXIT } from '../../errors/index.ts';
import { estimateSuite } from '../../cost/estimate-suite.ts';
import { estimateOverBudget, formatUsd, renderEstimateText } from '../../cost/index.ts';
import { err, out, type SetExit } from '../console.ts';
import { addPlanOptions, PLAN_FLAGS, planOverrides } from '../flag-groups.ts';
import { parseUsd } from '../parse-flags.ts';
import { optionalNumber, optionalString, readOptions } from '../typed-options.ts';

export const ESTIMATE_FLAGS = z.strictObject({ ...PLAN_FLAGS, from: optionalString, maxCost: optionalNumber, prices: optionalString });

/** `evalbench estimate`: tokens and cost before spending; sends nothing. */
export function registerEstimate(program: Command, setExit: SetExit): void {
  addPlanOptions(program
    .command('estimate'))
    .argument('<suite>', 'suite YAML file')
    .option('--from <dir>', 'an earlier run folder: use its observed output tokens (mean, p95) per case x model x effort')
    .option('--max-cost <usd>', 'exit 1 when the expected cost is above this', parseUsd)
    .option('--prices <file>', 'price file (YAML) that overrides the shipped prices.yaml')
    .addHelpText('after', `
Prompt tokens are counted with the o200k_base tokenizer (messages, system prompt, images by the
documented rule). Output tokens come from --from (low = min, expected = mean, high = p95 observed),
else from max_completion_tokens (low 0, expected = high = the cap).`)
    .action(async (file: string, values: OptionValues) => {
      const o = readOptions('estimate', ESTIMATE_FLAGS, values);
      const estimate = await estimateSuite(file, {
        overrides: planOverrides(o),
        from: o.from,
        pricesFile: o.prices,
      });
      out(renderEstimateText(estimate));
      if (o.maxCost !== undefined && estimateOverBudget(estimate, o.maxCost)) {
        err(`estimate above --max-cost ${formatUsd(o.maxCost)}`);
        setExit(EXIT.gateFailed);
      }
    });
}
