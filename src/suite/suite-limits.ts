import { isScalar, visit, type Document, type LineCounter, type Node } from 'yaml';
import type { SuiteIssue } from '../errors/suite-error.ts';

/**
 * Limits checked on the suite text before the YAML parse, so a hostile or runaway file fails at
 * once with a position instead of hanging `validate` (the parse of a 200k-key mapping took
 * minutes). Far above any hand-written or generated suite: 10,000 cases of 10 keys each fit.
 */
export const MAX_SUITE_BYTES = 32 << 20;
export const MAX_SUITE_KEYS = 200_000;

/** Issues with the raw text: too large, or more `key:` entries than MAX_SUITE_KEYS (with the line of the first one over). */
export function suiteTextIssues(text: string, file: string, limits = { bytes: MAX_SUITE_BYTES, keys: MAX_SUITE_KEYS }): SuiteIssue[] {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.bytes) {
    return [{ file, path: '', message: `the suite file is ${bytes} bytes, above the limit of ${limits.bytes}: split it, or keep large data in files it refers to` }];
  }
  // An upper bound on mapping keys: every ':' followed by a space, a line break or the end.
  let keys = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 58) {
      const n = text.charCodeAt(i + 1);
      if ((Number.isNaN(n) || n === 32 || n === 10 || n === 13 || n === 9) && ++keys > limits.keys) {
        return [{ file, line, col: i - lineStart + 1, path: '', message: `more than ${limits.keys} mapping keys in the suite: split it into several suites` }];
      }
    }
  }
  return [];
}

/**
 * Duplicate keys in any mapping, each at its position. The YAML library's own check (uniqueKeys)
 * compares every key with every other (quadratic: 40k keys took 9 s), so the suite is parsed
 * with it off and checked here in one pass with a Set per mapping.
 */
export function duplicateKeyIssues(doc: Document, lines: LineCounter, file: string): SuiteIssue[] {
  const issues: SuiteIssue[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : null;
        if (key === null) continue;
        const at = (pair.key as Node).range?.[0] ?? 0;
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, at);
          continue;
        }
        const pos = linePos(lines, at);
        issues.push({ file, ...pos, path: '', message: `duplicate key "${key.slice(0, 80)}": map keys must be unique (first at line ${linePos(lines, first).line}); keep one` });
      }
    },
  });
  return issues;
}

/**
 * The position for a failure of the alias expansion ("Excessive alias count", a billion-laughs
 * document): the first alias in the file, with a message that says what to change.
 */
export function aliasIssue(doc: Document, lines: LineCounter, file: string, reason: string): SuiteIssue {
  let at: number | undefined;
  visit(doc, {
    Alias(_, node) {
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  const pos = at === undefined ? {} : linePos(lines, at);
  const message = /alias/i.test(reason)
    ? `${reason}: the aliases (*name) expand to too much data; write the values out or use fewer nested aliases`
    : reason;
  return { file, ...pos, path: '', message };
}

function linePos(lines: LineCounter, offset: number): { line: number; col: number } {
  const p = lines.linePos(offset);
  return p.line === 0 ? { line: 1, col: offset + 1 } : p;
}
