/**
 * Test helpers: a strict tag-nesting check of generated HTML (no parser is installed) and the
 * self-containment check (nothing that would load from the network).
 */

const VOID = new Set(['meta', 'input', 'br', 'hr', 'img', 'link', 'col', 'wbr', 'source']);

/** Throws on a mismatched or unclosed tag. Script and style bodies are skipped. Returns tag counts. */
export function checkNesting(html: string): Map<string, number> {
  const body = html.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g, '<$1></$1>');
  const stack: string[] = [];
  const counts = new Map<string, number>();
  const re = /<(\/?)([a-zA-Z][\w-]*)\b[^>]*?(\/?)>|<!doctype html>/gi;
  for (const m of body.matchAll(re)) {
    if (!m[2]) continue; // doctype
    const name = m[2].toLowerCase();
    if (m[1]) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}> at offset ${m.index}`);
    } else {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (!m[3] && !VOID.has(name)) stack.push(name);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(' > ')}`);
  return counts;
}

/** Every src/href/url()/@import that points anywhere but into the page itself. */
export function externalReferences(html: string): string[] {
  const found: string[] = [];
  // Only inside tags: escaped text (outputs) may mention src= harmlessly, but can hold no '<'.
  for (const tag of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    for (const m of tag[0].matchAll(/\s(?:src|href|xlink:href|action|srcset|poster|data)\s*=\s*["']?([^"'\s>]*)/gi)) {
      if (!m[1].startsWith('#')) found.push(m[0]);
    }
  }
  for (const m of html.matchAll(/url\(|@import|<link\b|<iframe\b|<object\b|<embed\b/gi)) found.push(m[0]);
  return found;
}
