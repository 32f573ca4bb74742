import { closeSync, createReadStream, fchmodSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../errors/index.ts';
import type { ResultRow } from './result-row.ts';

export interface JsonlSinkOptions {
  /**
   * Keep the rows already in the file (resume) instead of starting it afresh. A torn last line
   * left by a crash is cut off first, so the next row starts on a line of its own.
   */
  append?: boolean;
  /**
   * fsync after every write (one per FLUSH_AFTER_MS at most): survives power loss, at a cost of
   * milliseconds a write. Without it rows are handed to the OS by a synchronous write within
   * FLUSH_AFTER_MS, which already survives a crash or kill of evalbench itself.
   */
  fsync?: boolean;
}

/** Open sinks: flushed on process exit and on a signal, whatever ends the process. */
const openSinks = new Set<JsonlSink>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Write out every open sink's queued rows now (synchronous). */
export function flushOpenJsonlSinks(): void {
  for (const s of openSinks) s.flush();
}

function onSignal(signal: NodeJS.Signals): void {
  flushOpenJsonlSinks();
  // Ours was the only listener: do what the signal would have done without it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function track(sink: JsonlSink): void {
  if (openSinks.size === 0) {
    process.on('exit', flushOpenJsonlSinks);
    for (const sig of SIGNALS) process.once(sig, onSignal);
  }
  openSinks.add(sink);
}

function untrack(sink: JsonlSink): void {
  if (!openSinks.delete(sink) || openSinks.size > 0) return;
  process.off('exit', flushOpenJsonlSinks);
  for (const sig of SIGNALS) process.off(sig, onSignal);
}

/**
 * How long a finished row may wait in memory before its write: rows of that stretch go out in one
 * synchronous write. A closed loop settles one stream per event-loop turn, so a write per turn
 * was a write syscall per row (~3% of a streamed request's CPU); 10 ms keeps a row on disk well
 * before the 50 ms a crash may cost, unless the loop itself is blocked.
 */
export const FLUSH_AFTER_MS = 10;
/**
 * The queue: rows are encoded straight into one buffer kept for the sink's life (no joined string
 * to flatten, no Buffer per write); full, it is written at once.
 */
const QUEUE_BYTES = 256 * 1024;

/**
 * results.jsonl: one JSON object a line. Rows are queued and written together by one synchronous
 * write at most FLUSH_AFTER_MS after the first of them (sooner when much is queued), not one write
 * per row on the loop that also stamps every stream; queued rows are flushed on exit, on
 * SIGINT/SIGTERM/SIGHUP and by close(). Created with mode 0o600: rows hold responses.
 */
export class JsonlSink {
  readonly path: string;
  /** Bytes of a torn last line removed when opening in append mode (0 when the file was clean). */
  readonly repairedBytes: number;
  private fd: number | null;
  private readonly fsync: boolean;
  private written = 0;
  /** Encoded lines not yet written: queue[0, queued). */
  private readonly queue = Buffer.allocUnsafe(QUEUE_BYTES);
  private queued = 0;
  private timer: NodeJS.Timeout | null = null;

  private constructor(path: string, fd: number, repairedBytes: number, fsync: boolean) {
    this.path = path;
    this.fd = fd;
    this.repairedBytes = repairedBytes;
    this.fsync = fsync;
    track(this);
  }

  static open(path: string, options: JsonlSinkOptions = {}): JsonlSink {
    const fd = openSync(path, options.append ? 'a+' : 'w', 0o600);
    try {
      // The mode argument only applies when the file is created; tighten an existing one too.
      try {
        fchmodSync(fd, 0o600);
      } catch {
        /* not supported on this filesystem/platform: best effort */
      }
      const repaired = options.append ? cutTornTail(fd) : 0;
      return new JsonlSink(path, fd, repaired, options.fsync ?? false);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Rows written by this sink (not counting those already in an appended file). */
  get rowsWritten(): number {
    return this.written;
  }

  /** Queue a row; it is written within FLUSH_AFTER_MS (or by flush/close). */
  write(row: ResultRow): void {
    if (this.fd === null) throw new Error(`JsonlSink: write after close (${this.path})`);
    const line = JSON.stringify(row);
    this.written++;
    // UTF-8 takes at most 3 bytes per UTF-16 unit; a line that may not fit is written after the queue.
    const most = line.length * 3 + 1;
    if (this.queued + most > QUEUE_BYTES) this.flush();
    if (most > QUEUE_BYTES) {
      this.writeOut(Buffer.from(`${line}\n`, 'utf8'));
      return;
    }
    this.queued += this.queue.write(line, this.queued, 'utf8');
    this.queue[this.queued++] = 0x0a;
    if (this.timer === null) this.timer = setTimeout(this.flushTimed, FLUSH_AFTER_MS);
  }

  private readonly flushTimed = (): void => {
    this.timer = null;
    this.flush();
  };

  /** Write every queued row now, in one synchronous write. */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queued === 0) return;
    const n = this.queued;
    this.queued = 0;
    this.writeOut(this.queue.subarray(0, n));
  }

  /** One synchronous write of all of `buf` (and the fsync, when asked for). */
  private writeOut(buf: Buffer): void {
    if (this.fd === null) return;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    if (this.fsync) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    const fd = this.fd;
    this.fd = null;
    untrack(this);
    closeSync(fd);
  }
}

/** Truncate the file after its last '\n' (a crash mid-write leaves a partial line). Returns bytes cut. */
function cutTornTail(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0) return 0;
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const len = end - start;
    readSync(fd, chunk, 0, len, start);
    const nl = chunk.lastIndexOf(0x0a, len - 1);
    if (nl !== -1) {
      const keep = start + nl + 1;
      if (keep < size) ftruncateSync(fd, keep);
      return size - keep;
    }
    end = start;
  }
  ftruncateSync(fd, 0); // a single torn line and nothing else
  return size;
}

export interface JsonlReadStats {
  /** Rows yielded. */
  rows: number;
  /** Blank lines skipped. */
  blankLines: number;
  /** 1 when the last line was torn (not valid JSON, e.g. a crash mid-write) and skipped. */
  tornLines: number;
}

/**
 * Iterate the rows of a results.jsonl file, streaming (memory does not grow with the file).
 * A last line that is not valid JSON is a write cut short by a crash: skipped and counted in
 * `stats.tornLines`. An invalid line anywhere else means the file is damaged: InputError
 * RESULTS_FILE_INVALID naming the line.
 */
export class JsonlRowReader implements AsyncIterable<ResultRow> {
  readonly path: string;
  readonly stats: JsonlReadStats = { rows: 0, blankLines: 0, tornLines: 0 };

  constructor(path: string) {
    this.path = path;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ResultRow> {
    this.stats.rows = this.stats.blankLines = this.stats.tornLines = 0;
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let lineNo = 0;
    // A line that failed to parse: only an error if another non-blank line follows it.
    let pendingBad: { line: number; message: string } | null = null;

    const parse = (text: string): ResultRow | null => {
      lineNo++;
      const line = text.endsWith('\r') ? text.slice(0, -1) : text;
      if (line.trim() === '') {
        this.stats.blankLines++;
        return null;
      }
      if (pendingBad) throw damaged(this.path, pendingBad.line, pendingBad.message);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        pendingBad = { line: lineNo, message: (err as Error).message };
        return null;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw damaged(this.path, lineNo, 'not a JSON object');
      }
      this.stats.rows++;
      return value as ResultRow;
    };

    for await (const chunk of createReadStream(this.path)) {
      const text = carry + decoder.write(chunk as Buffer);
      let start = 0;
      let nl: number;
      while ((nl = text.indexOf('\n', start)) !== -1) {
        const row = parse(text.slice(start, nl));
        start = nl + 1;
        if (row) yield row;
      }
      carry = text.slice(start);
    }
    carry += decoder.end();
    if (carry !== '') {
      const row = parse(carry);
      if (row) yield row;
    }
    if (pendingBad) this.stats.tornLines++;
  }
}

function damaged(path: string, line: number, why: string): InputError {
  return new InputError(
    'RESULTS_FILE_INVALID',
    `${path}:${line}: not a result row (${why}). Only the last line of a results file may be incomplete; fix or remove this line.`,
  );
}

/** Rows of a results.jsonl file; see JsonlRowReader (its `stats` count torn and blank lines). */
export function readJsonlRows(path: string): JsonlRowReader {
  return new JsonlRowReader(path);
}
