const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text for HTML/SVG element content and double- or single-quoted attribute values.
 * Every string from a result row (outputs, reasons, model names) goes through this: the report
 * renders untrusted model output.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g, (c) => ENTITIES[c] ?? controlPicture(c));
}

/**
 * A control character made visible: C0 controls as their Unicode control pictures (U+2400 + code,
 * e.g. NUL as ␀), DEL as ␡, C1 controls as U+FFFD. Raw control bytes are parse errors in HTML
 * (NUL is dropped or replaced, others may break an XML/SVG consumer); tab, LF and CR stay.
 */
function controlPicture(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  return code === 0x7f ? '\u2421' : '\ufffd';
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
