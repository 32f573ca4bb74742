/**
 * Text bound for the terminal. Server text (error bodies, answers quoted in messages) and suite
 * text reach the console, and an escape sequence in them could move the cursor, rewrite earlier
 * lines, set the window title or (OSC 52) the clipboard. evalbench prints no colour or cursor
 * codes of its own, so every escape sequence and control character except tab and newline is
 * removed, and each line is cut at MAX_TERMINAL_LINE characters.
 */
export const MAX_TERMINAL_LINE = 4000;

// CSI (ESC [ or the 8-bit 0x9b) with parameters; OSC / DCS / SOS / PM / APC strings up to BEL or ST;
// any other two-character ESC sequence; then the remaining C0/C1 controls and DEL.
const ESCAPES =
  /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\s\S]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function terminalSafe(text: string, maxLine = MAX_TERMINAL_LINE): string {
  const clean = text.replace(ESCAPES, '');
  if (clean.length <= maxLine) return clean;
  return clean
    .split('\n')
    .map((l) => (l.length > maxLine ? `${l.slice(0, maxLine)}…[${l.length - maxLine} more characters not shown]` : l))
    .join('\n');
}
