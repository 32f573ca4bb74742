const OPEN = '<think>';
const CLOSE = '</think>';

/** Where text goes: the answer or the reasoning. */
export interface TextSink {
  content: string;
  reasoning: string;
}

const State = { Undecided: 0, InThink: 1, AfterThink: 2, Answer: 3 } as const;
type State = (typeof State)[keyof typeof State];

/**
 * Moves an inline `<think>…</think>` block at the start of the answer into the reasoning
 * (DeepSeek-R1 behind Together and other routers stream its reasoning that way). Only a block
 * that opens the answer (its very first characters) counts; a later literal "<think>" stays
 * answer text. Tags may be split across deltas, so up to one tag's worth of text is held back
 * until it can be classified. The whitespace right after `</think>` belongs to the block's
 * layout: it is dropped and is not the first answer token.
 */
export class ThinkTagSplitter {
  private state: State = State.Undecided;
  private pending = '';

  constructor(private readonly sink: TextSink) {}

  /** Feed answer-channel text. Returns true when it added answer text (not reasoning). */
  push(text: string): boolean {
    switch (this.state) {
      case State.Answer:
        this.sink.content += text;
        return text.length > 0;
      case State.Undecided: {
        const buf = this.pending + text;
        if (buf.startsWith(OPEN)) {
          this.state = State.InThink;
          this.pending = '';
          return this.push(buf.slice(OPEN.length));
        }
        if (OPEN.startsWith(buf)) {
          this.pending = buf; // could still become "<think>"
          return false;
        }
        this.state = State.Answer;
        this.pending = '';
        this.sink.content += buf;
        return true;
      }
      case State.InThink: {
        const buf = this.pending + text;
        const end = buf.indexOf(CLOSE);
        if (end >= 0) {
          this.sink.reasoning += buf.slice(0, end);
          this.pending = '';
          this.state = State.AfterThink;
          return this.push(buf.slice(end + CLOSE.length));
        }
        const keep = partialSuffix(buf, CLOSE);
        this.sink.reasoning += buf.slice(0, buf.length - keep);
        this.pending = keep > 0 ? buf.slice(buf.length - keep) : '';
        return false;
      }
      case State.AfterThink: {
        const rest = text.trimStart();
        if (rest.length === 0) return false;
        this.state = State.Answer;
        this.sink.content += rest;
        return true;
      }
    }
  }

  /** End of the answer: release held-back text. Returns true when that added answer text. */
  finish(): boolean {
    const p = this.pending;
    this.pending = '';
    if (p === '') return false;
    if (this.state === State.InThink) {
      this.sink.reasoning += p; // unterminated block: all of it was reasoning
      return false;
    }
    this.sink.content += p;
    return true;
  }
}

/** Length of the longest proper prefix of `tag` that `text` ends with. */
function partialSuffix(text: string, tag: string): number {
  for (let k = Math.min(tag.length - 1, text.length); k > 0; k--) {
    if (text.endsWith(tag.slice(0, k))) return k;
  }
  return 0;
}
