import { EvalbenchError, EXIT } from './evalbench-error.ts';

export interface SourcePosition {
  file: string;
  /** 1-based; absent when the problem is the file as a whole (e.g. it does not exist). */
  line?: number;
  col?: number;
}

export interface SuiteIssue extends SourcePosition {
  /** Dotted path inside the document, e.g. `cases[2].prompt`. */
  path: string;
  message: string;
}

/** A suite file that cannot be used. Lists every problem found, each as `file:line:col path: message`. */
export class SuiteError extends EvalbenchError {
  readonly issues: SuiteIssue[];
  constructor(issues: SuiteIssue[]) {
    super('SUITE_INVALID', issues.map(formatSuiteIssue).join('\n'), EXIT.badInput);
    this.issues = issues;
  }
}

export function formatSuiteIssue(i: SuiteIssue): string {
  const where = i.line ? `${i.file}:${i.line}:${i.col ?? 1}` : i.file;
  return i.path ? `${where} ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}
