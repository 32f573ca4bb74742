/** `{{name}}` or `{{ name }}`; names are identifiers (letters, digits, _, starting with a letter or _). */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export type VarValue = string | number | boolean;

/** Placeholder names in `text`, in order of first appearance, without duplicates. */
export function findPlaceholders(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) names.add(m[1]);
  return [...names];
}

/** Replaces every placeholder that has a value; others are left as written (the loader reports them). */
export function substituteVars(text: string, vars: Readonly<Record<string, VarValue>> | undefined): string {
  if (!vars || !text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(vars, name) ? String(vars[name]) : whole,
  );
}
