const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text for HTML/SVG element content and double- or single-quoted attribute values.
 * Every string from a result row (outputs, reasons, model names) goes through this: the report
 * renders untrusted model output.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * Cut `text` to at most `max` UTF-16 units without splitting a surrogate pair; returns the text
 * unchanged when it fits. `truncated` tells the caller to mark the cut.
 */
export function truncateText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let end = max;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // a high surrogate whose pair would be cut off
  return { text: text.slice(0, end), truncated: true };
}
