import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';

export interface ExternalSortOptions<T> {
  compare: (a: T, b: T) => number;
  /** Folder in which a private temporary folder for spilled runs is made (removed by close()). */
  tempParent: string;
  /** Records held in memory before they are sorted and spilled as a run; default 10,000. */
  maxRecords?: number;
  /** Characters of JSON held in memory before a spill; default 4 MB. */
  maxChars?: number;
}

/** Runs merged at once; more are merged in rounds, so open files and read buffers stay bounded. */
const MAX_FAN_IN = 64;
/** Read buffer per run during a merge. */
const READ_CHUNK = 16 * 1024;

/**
 * Sorts more records than should sit in memory (e.g. one JUnit testcase per job): records are
 * buffered up to `maxRecords` / `maxChars`, then sorted and written as a run (JSON lines, mode
 * 0o600: they may quote answers) to a temporary folder; `sorted()` merges the runs. Memory is the
 * buffer plus one record and a small read buffer per run, whatever the number of records. Small
 * inputs never touch the disk. Records must survive JSON (plain data). Equal records keep the
 * order they were added in.
 */
export class ExternalSorter<T> {
  private readonly compare: (a: T, b: T) => number;
  private readonly maxRecords: number;
  private readonly maxChars: number;
  private readonly tempParent: string;
  private buffer: T[] = [];
  private bufferChars = 0;
  private dir: string | null = null;
  private runs: string[] = [];
  private finished = false;
  private merges = 0;

  constructor(options: ExternalSortOptions<T>) {
    this.compare = options.compare;
    this.tempParent = options.tempParent;
    this.maxRecords = Math.max(1, options.maxRecords ?? 10_000);
    this.maxChars = Math.max(1, options.maxChars ?? 4_000_000);
  }

  /** Runs written to disk so far (0 = everything fitted in memory). */
  get spilledRuns(): number {
    return this.runs.length;
  }

  async add(record: T): Promise<void> {
    if (this.finished) throw new Error('ExternalSorter: add after sorted()');
    this.buffer.push(record);
    // Size is only estimated for spilling: the exact JSON is made once, when spilled.
    this.bufferChars += estimateChars(record);
    if (this.buffer.length >= this.maxRecords || this.bufferChars >= this.maxChars) await this.spill();
  }

  /**
   * All records in order. May be iterated more than once (each pass merges the runs again); no
   * more records may be added once it has been called.
   */
  async *sorted(): AsyncGenerator<T> {
    if (!this.finished) {
      this.finished = true;
      this.buffer.sort(this.compare);
      while (this.runs.length > MAX_FAN_IN) await this.mergeRound();
    }
    if (this.runs.length === 0) {
      yield* this.buffer;
      return;
    }
    // The records added last stay in memory as the last (newest) source.
    yield* mergeRuns([...this.runs.map((f) => readRun<T>(f)), fromArray(this.buffer)], this.compare);
  }

  /** Removes the temporary folder (safe to call more than once). */
  async close(): Promise<void> {
    this.buffer = [];
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.runs = [];
  }

  private async spill(): Promise<void> {
    this.buffer.sort(this.compare);
    let text = '';
    for (const r of this.buffer) text += JSON.stringify(r) + '\n';
    this.buffer = [];
    this.bufferChars = 0;
    await this.writeRun(text);
  }

  private async writeRun(text: string): Promise<void> {
    this.dir ??= await mkdtemp(join(this.tempParent, '.evalbench-sort-'));
    const file = join(this.dir, `run-${this.runs.length}.jsonl`);
    await writeFile(file, text, { encoding: 'utf8', mode: 0o600 });
    this.runs.push(file);
  }

  /** Merges the first MAX_FAN_IN runs into one (kept in place, so ties still favour earlier runs). */
  private async mergeRound(): Promise<void> {
    const group = this.runs.slice(0, MAX_FAN_IN);
    const file = join(this.dir!, `merged-${this.merges++}.jsonl`);
    const lines = async function* (records: AsyncIterable<T>) {
      for await (const r of records) yield JSON.stringify(r) + '\n';
    };
    await pipeline(Readable.from(lines(mergeRuns(group.map((f) => readRun<T>(f)), this.compare))), createWriteStream(file, { mode: 0o600 }));
    await Promise.all(group.map((f) => rm(f, { force: true })));
    this.runs = [file, ...this.runs.slice(MAX_FAN_IN)];
  }
}

function estimateChars(record: unknown): number {
  let n = 16;
  if (record && typeof record === 'object') {
    for (const v of Object.values(record)) n += typeof v === 'string' ? v.length + 8 : 16;
  }
  return n;
}

async function* fromArray<T>(records: readonly T[]): AsyncGenerator<T> {
  yield* records;
}

/** Records of one run file, in file order. */
async function* readRun<T>(file: string): AsyncGenerator<T> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK })) {
    const text = carry + decoder.write(chunk as Buffer);
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      yield JSON.parse(text.slice(start, nl)) as T;
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.end();
  if (carry !== '') yield JSON.parse(carry) as T;
}

/** k-way merge of sorted sources with a binary heap; ties go to the earlier source. */
async function* mergeRuns<T>(sources: AsyncGenerator<T>[], compare: (a: T, b: T) => number): AsyncGenerator<T> {
  interface Head { value: T; source: number }
  const heap: Head[] = [];
  const less = (a: Head, b: Head) => {
    const c = compare(a.value, b.value);
    return c < 0 || (c === 0 && a.source < b.source);
  };
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) return;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  try {
    for (let s = 0; s < sources.length; s++) {
      const r = await sources[s].next();
      if (!r.done) {
        heap.push({ value: r.value, source: s });
        up(heap.length - 1);
      }
    }
    while (heap.length > 0) {
      const top = heap[0];
      yield top.value;
      const r = await sources[top.source].next();
      if (!r.done) {
        heap[0] = { value: r.value, source: top.source };
      } else {
        const last = heap.pop()!;
        if (heap.length === 0) break;
        heap[0] = last;
      }
      down(0);
    }
  } finally {
    // A consumer that stops early must not leave files open.
    await Promise.all(sources.map((s) => s.return(undefined)));
  }
}
