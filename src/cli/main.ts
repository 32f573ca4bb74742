import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { EvalbenchError, EXIT } from '../errors/index.ts';
import { err, type SetExit } from './console.ts';
import { COMMANDS, requestedCommand } from './command-table.ts';

// src/cli and dist/cli are both two levels below the package root.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * The program with the requested command loaded in full and every other command as a name and a
 * description (enough for the top-level help and for commander's "unknown command" hint).
 */
async function buildProgram(args: readonly string[], setExit: SetExit): Promise<Command> {
  const program = new Command('evalbench')
    .description('Benchmark and evaluate OpenAI-compatible chat-completions APIs: latency, TTFT, tokens, quality and cost.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .exitOverride();
  const wanted = requestedCommand(args);
  if (wanted) (await wanted.load())(program, setExit);
  for (const entry of COMMANDS) {
    const loaded = program.commands.find((c) => c.name() === entry.name);
    if (loaded) loaded.description(entry.description);
    else program.command(entry.name).description(entry.description);
  }
  // Commander lists commands in registration order; keep the table's order whatever was loaded.
  const order = (c: Command) => COMMANDS.findIndex((e) => e.name === c.name());
  (program.commands as Command[]).sort((a, b) => order(a) - order(b));
  return program;
}

/** The CLI entry point: the only place that formats errors for the console and exits. */
export async function main(argv: string[]): Promise<void> {
  // `evalbench run --help | head`: a reader that stops early is no error (as for any Unix tool).
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw e;
  });
  let code: number = EXIT.ok;
  const args = argv.slice(2);
  try {
    const program = await buildProgram(args, (c) => (code = c));
    if (args.length === 0) {
      program.outputHelp();
      process.exitCode = EXIT.badInput;
      return;
    }
    await program.parseAsync(argv);
  } catch (e) {
    code = exitCodeOf(e);
  }
  process.exitCode = code;
}

/** Reports an error that ended a command and returns the exit code for it. */
function exitCodeOf(e: unknown): number {
  if (e instanceof CommanderError) {
    // --help and --version "fail" with exit code 0; every real flag problem is bad input.
    return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (e instanceof EvalbenchError) {
    err(`error: ${e.message}`);
    return e.exitCode;
  }
  err(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return EXIT.runIncomplete;
}
