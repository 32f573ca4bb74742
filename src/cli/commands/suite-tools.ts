import type { Command } from 'commander';
import { EvalbenchError, EXIT } from '../../errors/index.ts';
import { loadSuite, suiteJsonSchema } from '../../suite/index.ts';
import { makePlan } from '../../plan/index.ts';
import { err, out, type SetExit } from '../console.ts';

/** `validate` and `schema`: suite files without running anything. */
export function registerSuiteTools(program: Command, setExit: SetExit): void {
  program
    .command('validate')
    .description('Check suite files without sending anything: YAML, schema, case ids, models, placeholders.')
    .argument('<suites...>', 'suite YAML files')
    .action(async (files: string[]) => {
      let failed = 0;
      for (const file of files) {
        try {
          const suite = await loadSuite(file, { checkDocumentedModels: true });
          const plan = makePlan(suite);
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
    .description('Print the JSON Schema of the suite format (for editor autocompletion).')
    .action(() => {
      out(JSON.stringify(suiteJsonSchema(), null, 2));
    });
}
