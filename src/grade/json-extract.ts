/**
 * JSON values embedded in free text (answers wrapped in prose or ``` fences): every balanced
 * {...} or [...] span that parses, left to right, non-overlapping.
 */
export function extractJsonValues(text: string, limit = 50): unknown[] {
  const found: unknown[] = [];
  let attempts = 0;
  for (let i = 0; i < text.length && found.length < limit; i++) {
    const c = text[i];
    if (c !== '{' && c !== '[') continue;
    // Bounded: a long answer full of stray brackets must not make grading quadratic.
    if (++attempts > 2000) break;
    const end = balancedEnd(text, i);
    if (end < 0) continue;
    try {
      found.push(JSON.parse(text.slice(i, end + 1)));
      i = end;
    } catch {
      // not JSON (e.g. `[citation]`): try the next bracket
    }
  }
  return found;
}

/** The first embedded value that is a JSON object (not an array), or undefined. */
export function firstJsonObject(text: string): Record<string, unknown> | undefined {
  for (const v of extractJsonValues(text)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  }
  return undefined;
}

/** Index of the bracket closing the one at `start`, skipping brackets inside JSON strings; -1 if none. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
