import fs from 'node:fs';
import { terminalSafe } from './terminal-text.ts';

/** Only the CLI writes to the console; every command goes through these two (escape sequences stripped, long lines cut). */
export const out = (s: string) => process.stdout.write(line(s));
export const err = (s: string) => process.stderr.write(line(s));
const line = (s: string) => {
  const t = terminalSafe(s);
  return t.endsWith('\n') ? t : t + '\n';
};

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
