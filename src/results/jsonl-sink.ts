import { closeSync, createReadStream, fchmodSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../errors/index.ts';
import type { ResultRow } from './result-row.ts';
import type { ReportSink } from './report-sink.ts';

export interface JsonlSinkOptions {
  /**
   * Keep the rows already in the file (resume) instead of starting it afresh. A torn last line
   * left by a crash is cut off first, so the next row starts on a line of its own.
   */
  append?: boolean;
  /**
   * fsync after every row: survives power loss, at a cost of milliseconds a row. Without it each
   * row is handed to the OS by a synchronous write before `write` returns, which already survives
   * a crash, Ctrl-C or process.exit of evalbench itself.
   */
  fsync?: boolean;
}

/**
 * results.jsonl: one JSON object a line, written the moment a job ends with a synchronous write
 * (no buffer in the process that a crash could lose). Created with mode 0o600: rows hold responses.
 */
export class JsonlSink implements ReportSink {
  readonly path: string;
  /** Bytes of a torn last line removed when opening in append mode (0 when the file was clean). */
  readonly repairedBytes: number;
  private fd: number | null;
  private readonly fsync: boolean;
  private written = 0;

  private constructor(path: string, fd: number, repairedBytes: number, fsync: boolean) {
    this.path = path;
    this.fd = fd;
    this.repairedBytes = repairedBytes;
    this.fsync = fsync;
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

  write(row: ResultRow): void {
    if (this.fd === null) throw new Error(`JsonlSink: write after close (${this.path})`);
    const buf = Buffer.from(JSON.stringify(row) + '\n', 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    if (this.fsync) fsyncSync(this.fd);
    this.written++;
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
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
