const FENCE = /^[ \t]*(`{3,}|~{3,})[ \t]*([^\n`]*)\n([\s\S]*?)^[ \t]*\1[ \t]*$/gm;

/**
 * The code in a model's answer: the first fenced block whose language is one of `langs`
 * (default js/javascript/ts/typescript/mjs/cjs), else the first fenced block of any language,
 * else the whole answer trimmed (some models answer with bare code).
 */
export function extractCode(text: string, langs: string[] = ['js', 'javascript', 'mjs', 'cjs', 'jsx', 'ts', 'typescript']): string {
  let firstAny: string | undefined;
  for (const m of text.matchAll(FENCE)) {
    const lang = m[2].trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (langs.includes(lang)) return m[3].replace(/\n$/, '');
    firstAny ??= m[3].replace(/\n$/, '');
  }
  return firstAny ?? text.trim();
}
