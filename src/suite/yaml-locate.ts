import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './issue-path.ts';

export interface LinePos {
  line: number;
  col: number;
}

/**
 * Maps a path inside the parsed data back to where it is written. Where the path does not exist
 * in the source (a missing key, a key brought in by a `<<` merge) the nearest written ancestor is used.
 */
export class YamlLocator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of the value at `path`, or of its key when `at` is 'key'. */
  locate(path: readonly PathSegment[], at: 'value' | 'key' = 'value'): LinePos {
    let node: unknown = this.doc.contents;
    let best = this.start(node);
    for (let i = 0; i < path.length; i++) {
      node = this.deref(node);
      const seg = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(seg));
        if (!pair) break;
        const keyPos = this.start(pair.key);
        if (last && at === 'key') return keyPos ?? best ?? FIRST;
        // `key:` with nothing after it: point at the key.
        best = this.start(pair.value) ?? keyPos ?? best;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        best = this.start(item) ?? best;
        node = item;
      } else break;
    }
    return best ?? FIRST;
  }

  private deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  private start(node: unknown): LinePos | undefined {
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    const pos = this.lines.linePos(range[0]);
    // line 0: before any newline was seen (single-line input).
    return pos.line === 0 ? { line: 1, col: range[0] + 1 } : pos;
  }
}

const FIRST: LinePos = { line: 1, col: 1 };

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}
