import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { SuiteIssue } from '../errors/suite-error.ts';
import { formatPath, type PathSegment } from './issue-path.ts';
import type { Suite } from './types.ts';
import { YamlLocator } from './yaml-locate.ts';

/** The text each suite was parsed from (parseSuite may be given text that is not on disk). */
const SOURCES = new WeakMap<object, string>();

/** Called by parseSuite: later issues (suiteIssueAt) are placed in this text. */
export function rememberSuiteSource(suite: object, text: string): void {
  SOURCES.set(suite, text);
}

/**
 * An issue found after loading (e.g. a base URL refused by the URL policy), placed at `path` in
 * the suite file. The file is parsed again only here, on the error path; a suite built in code
 * (no readable file) gets the issue without a line.
 */
export function suiteIssueAt(suite: Pick<Suite, 'file'>, path: PathSegment[], message: string): SuiteIssue {
  try {
    const lines = new LineCounter();
    const text = SOURCES.get(suite) ?? readFileSync(suite.file, 'utf8');
    const doc = parseDocument(text, { lineCounter: lines, merge: true, uniqueKeys: false });
    const pos = new YamlLocator(doc, lines).locate(path);
    return { file: suite.file, line: pos.line, col: pos.col, path: formatPath(path), message };
  } catch {
    return { file: suite.file, path: formatPath(path), message };
  }
}
