/**
 * YAML syntax errors in plain words: the parser's own message is kept in brackets (searchable),
 * led by what is most likely wrong and how to fix it, with the line shown and a caret under it.
 */

const HINTS: { code: string; match?: RegExp; hint: string }[] = [
  { code: 'TAB_AS_INDENT', hint: 'a tab is used for indentation; YAML allows only spaces' },
  { code: 'BAD_INDENT', match: /^Flow sequence/, hint: 'a `[` list is not closed: add the `]` at its end (or indent its continuation lines more than the key)' },
  { code: 'BAD_INDENT', hint: 'this line is indented differently from the lines around it: keys of one mapping must start in the same column (spaces, the same number per level)' },
  { code: 'MULTILINE_IMPLICIT_KEY', hint: 'a key seems to be missing its colon: write `key: value` (a colon and a space)' },
  { code: 'BLOCK_AS_IMPLICIT_KEY', hint: 'two `key:` on one line: put each key on its own line, or quote a value that contains `: `' },
  { code: 'MISSING_CHAR', match: /quote/, hint: 'a quoted string is not closed: add the closing quote' },
  { code: 'MISSING_CHAR', match: /without - indicator/, hint: 'this line is indented less than the keys of the list item above it: indent it like them, or start a new item with `- `' },
  { code: 'UNEXPECTED_TOKEN', match: /block-seq-ind/, hint: 'a `- ` list cannot start on the same line as its key: put it on the next line, indented' },
  { code: 'DUPLICATE_KEY', hint: 'this key appears twice in the same mapping: keep one' },
];

export function yamlSyntaxHint(code: string, message: string): string {
  const h = HINTS.find((x) => x.code === code && (!x.match || x.match.test(message)));
  return h ? h.hint : 'the YAML cannot be read here';
}

/** `  5 | text` and a caret under column `col` (moved to the line's first character when it points at its indentation). */
export function showLine(text: string, line: number, col: number): string {
  const src = text.split(/\r?\n/)[line - 1];
  if (src === undefined) return '';
  const indent = /^[ \t]*/.exec(src)![0].length;
  const at = col <= indent && !src.slice(0, indent).includes('\t') ? indent + 1 : col;
  const shown = src.replace(/\t/g, '→');
  const gutter = `  ${line} | `;
  return `\n${gutter}${shown}\n${' '.repeat(gutter.length - 2)}| ${' '.repeat(Math.max(0, at - 1))}^`;
}

export function explainYamlError(text: string, e: { code: string; message: string }, line: number, col: number): string {
  return `${yamlSyntaxHint(e.code, e.message)} (YAML: ${e.message})${showLine(text, line, col)}`;
}
