import fs from 'node:fs';

/** Only the CLI writes to the console; every command goes through these two. */
export const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');
export const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : s + '\n');

/** How a command sets the process exit code (main() applies it once the command is done). */
export type SetExit = (code: number) => void;

/** In GitHub Actions, the run's summary.md goes on the job's summary page too. */
export function appendStepSummary(summaryMd: string): void {
  const target = process.env.GITHUB_STEP_SUMMARY;
  if (!target) return;
  try {
    fs.appendFileSync(target, fs.readFileSync(summaryMd, 'utf8') + '\n');
  } catch (e) {
    err(`warning: could not append to $GITHUB_STEP_SUMMARY: ${(e as Error).message}`);
  }
}
