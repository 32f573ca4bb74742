/** A quoted, shortened copy of `text` for reasons: enough to recognise, never a whole answer. */
export function snippet(text: string, max = 120): string {
  const t = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(t);
}

/** A value from a spec, written the way the user would recognise it. */
export function show(value: unknown, max = 120): string {
  if (typeof value === 'string') return snippet(value, max);
  const s = JSON.stringify(value) ?? String(value);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
