const OPENER = /^[ \t]*(`{3,}|~{3,})[ \t]*([^\n`]*)$/;
const CLOSER = /^[ \t]*(`{3,}|~{3,})[ \t]*\r?$/;
const DEFAULT_LANGS = ['js', 'javascript', 'mjs', 'cjs', 'jsx', 'ts', 'typescript'];

/**
 * The code in a model's answer: the first fenced block whose language is one of `langs`
 * (default js/javascript/ts/typescript/mjs/cjs), else the first fenced block of any language,
 * else the whole answer trimmed (some models answer with bare code).
 *
 * A block opens with a fence line (``` or ~~~, 3 or more, then the language) and closes at the
 * next line holding exactly the same fence. Linear in the answer's length: each line is looked at
 * once, and the closers of each fence are listed once up front (a regex with a lazy body and a
 * back-reference rescans to the end for every unclosed fence: quadratic on hostile answers).
 */
export function extractCode(text: string, langs: string[] = DEFAULT_LANGS): string {
  const lines = text.split('\n');
  const closers = new Map<string, { at: number[]; next: number }>();
  lines.forEach((line, i) => {
    const m = CLOSER.exec(line);
    if (!m) return;
    const list = closers.get(m[1]) ?? { at: [], next: 0 };
    list.at.push(i);
    closers.set(m[1], list);
  });
  let firstAny: string | undefined;
  for (let i = 0; i < lines.length - 1; i++) {
    const open = OPENER.exec(lines[i]);
    if (!open) continue;
    const list = closers.get(open[1]);
    if (!list) continue;
    while (list.next < list.at.length && list.at[list.next] <= i) list.next++;
    if (list.next === list.at.length) continue;
    const close = list.at[list.next];
    const body = lines.slice(i + 1, close).join('\n');
    const lang = open[2].trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (langs.includes(lang)) return body;
    firstAny ??= body;
    i = close;
  }
  return firstAny ?? text.trim();
}
