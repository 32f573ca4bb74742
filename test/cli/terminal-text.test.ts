import { describe, expect, it } from 'vitest';
import { MAX_TERMINAL_LINE, terminalSafe } from '../../src/cli/terminal-text.ts';

describe('terminalSafe', () => {
  it('removes CSI, OSC (title, clipboard), other escapes and control characters; keeps tab and newline', () => {
    const hostile = 'a\x1b[2J\x1b[1;1Hb\x1b]0;pwned\x07c\x1b]52;c;ZXZpbA==\x1b\\d\x9b31me\x1bcf\x00g\rh\ti\nj\x7f';
    expect(terminalSafe(hostile)).toBe('abcdefgh\ti\nj');
  });

  it('cuts each overlong line and says how much was cut', () => {
    const s = terminalSafe(`${'x'.repeat(MAX_TERMINAL_LINE + 10)}\nshort`);
    expect(s.split('\n')[0]).toBe(`${'x'.repeat(MAX_TERMINAL_LINE)}…[10 more characters not shown]`);
    expect(s.split('\n')[1]).toBe('short');
  });

  it('leaves ordinary text, Unicode included, unchanged', () => {
    expect(terminalSafe('ok: café 漢字 😀 | p50 12.3 ms')).toBe('ok: café 漢字 😀 | p50 12.3 ms');
  });
});
