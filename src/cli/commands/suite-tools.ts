import type { Command, OptionValues } from 'commander';
import { z } from 'zod';
import { EvalbenchError, EXIT } from '../../errors/index.ts';
import { loadSuite, suiteJsonSchema } from '../../suite/index.ts';
import { makePlan } from '../../plan/index.ts';
import { checkSuiteBaseUrls } from '../../session/check-suite-urls.ts';
import { err, out, type SetExit } from '../console.ts';
import { parsePositiveInt } from '../parse-flags.ts';
import { optionalBoolean, optionalNumber, readOptions } from '../typed-options.ts';

export const VALIDATE_FLAGS = z.strictObject({ allowInsecureHttp: optionalBoolean, maxJobs: optionalNumber });

/** `validate` and `schema`: suite files without running anything. */
export function registerSuiteTools(program: Command, setExit: SetExit): void {
  program
    .command('validate')
    .argument('<suites...>', 'suite YAML files')
    .option('--allow-insecure-http', 'accept http:// base URLs to hosts other than this machine (as `run --allow-insecure-http`)')
    .option('--max-jobs <n>', 'largest plan accepted (as `run --max-jobs`; default 1000000)', parsePositiveInt)
    .action(async (files: string[], values: OptionValues) => {
      const o = readOptions('validate', VALIDATE_FLAGS, values);
      let failed = 0;
      for (const file of files) {
        try {
          const suite = await loadSuite(file, { checkDocumentedModels: true });
          checkSuiteBaseUrls(suite, { allowInsecureHttp: o.allowInsecureHttp });
          const plan = makePlan(suite, { maxJobs: o.maxJobs });
          out(`ok: ${file} (${suite.caseCount ?? suite.cases.length} cases, ${plan.count} jobs)`);
        } catch (e) {
          if (!(e instanceof EvalbenchError)) throw e;
          failed += 1;
          err(e.message);
        }
      }
      if (failed > 0) setExit(EXIT.badInput);
    });

  program
    .command('schema')
    .action(() => {
      out(JSON.stringify(suiteJsonSchema(), null, 2));
    });
}
