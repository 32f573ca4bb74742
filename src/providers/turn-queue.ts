/** Slots already run that may pile up at the front before they are dropped (cheap amortised compaction). */
export const COMPACT_AFTER = 1024;

/**
 * Runs queued items one per event-loop turn (each from its own setImmediate, queued by the one
 * before), in order, so the loop polls its sockets between two of them. Storage is compacted as
 * it goes: a queue that never runs empty under steady load holds only what is still due.
 */
export class TurnQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  constructor(private readonly run: (item: T) => void) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length - this.head === 1) setImmediate(this.next);
  }

  /** Array slots in use (due items plus run ones not yet dropped): for tests. */
  get slotsHeld(): number {
    return this.items.length;
  }

  private readonly next = (): void => {
    const item = this.items[this.head] as T;
    this.items[this.head++] = undefined;
    if (this.head < this.items.length) {
      if (this.head >= COMPACT_AFTER) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      setImmediate(this.next);
    } else {
      this.items.length = 0;
      this.head = 0;
    }
    this.run(item);
  };
}
