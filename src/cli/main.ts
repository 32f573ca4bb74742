import { Command, CommanderError } from 'commander';
import { EvalbenchError, EXIT } from '../errors/index.ts';
import { err } from './console.ts';
import { registerRun } from './commands/run.ts';
import { registerEstimate } from './commands/estimate.ts';
import { registerRunFolderCommands } from './commands/run-folders.ts';
import { registerSuiteTools } from './commands/suite-tools.ts';
import { registerSim } from './commands/sim.ts';
import { registerInit } from './commands/init.ts';

export { runExitCode } from './commands/run.ts';

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('evalbench')
    .description('Benchmark and evaluate OpenAI-compatible chat-completions APIs: latency, TTFT, tokens, quality and cost.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .exitOverride();
  registerRun(program, setExit);
  registerEstimate(program, setExit);
  registerRunFolderCommands(program, setExit);
  registerSuiteTools(program, setExit);
  registerSim(program, setExit);
  registerInit(program, setExit);
  return program;
}
/** The CLI entry point: the only place that formats errors for the console and exits. */
export async function main(argv: string[]): Promise<void> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      process.exitCode = EXIT.badInput;
      return;
    }
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; every real flag problem is bad input.
      code = e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    } else if (e instanceof EvalbenchError) {
      err(`error: ${e.message}`);
      code = e.exitCode;
    } else {
      err(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      code = EXIT.runIncomplete;
    }
  }
  process.exitCode = code;
}
