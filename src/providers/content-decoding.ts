import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';

/** A streaming decoder for one content coding (a zlib stream). */
export type Decoder = Transform;

/** Most codings stacked in one Content-Encoding (undici's limit too: each one is a zlib stream). */
const MAX_CODINGS = 5;

// Flush what has arrived on every write, and accept a body cut before its trailer, as fetch does:
// a stream is decoded as it comes, and truncation is judged by the SSE content, not by zlib.
const ZLIB_OPTIONS = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/**
 * `deflate` is zlib-wrapped by the RFC but sent raw by some servers: the first byte tells
 * (a zlib header's low nibble is 8, CM = deflate), as browsers and undici check.
 */
class InflateEither extends Transform {
  private inner: zlib.Inflate | zlib.InflateRaw | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.inner === null) {
      if (chunk.length === 0) {
        cb();
        return;
      }
      this.inner = (chunk[0] & 0x0f) === 0x08 ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
      this.inner.on('data', (d: Buffer) => this.push(d));
      this.inner.on('error', (err) => this.destroy(err));
    }
    this.inner.write(chunk, cb);
  }

  override _flush(cb: TransformCallback): void {
    if (this.inner === null) {
      cb();
      return;
    }
    this.inner.once('end', () => cb());
    this.inner.end();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    this.inner?.destroy();
    cb(err);
  }
}

function decoderFor(coding: string): Decoder | null {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(ZLIB_OPTIONS);
    case 'deflate':
      return new InflateEither();
    case 'br':
      return zlib.createBrotliDecompress(BROTLI_OPTIONS);
    default:
      return null;
  }
}

/**
 * Decoders for a Content-Encoding header, in the order the body goes through them (the last
 * coding applied is undone first), or null when the body is used as it is: no header,
 * `identity`, or a coding we do not know (fetch leaves those alone as well).
 */
export function contentDecoders(header: string | undefined): Decoder[] | null {
  if (header === undefined || header === '' || header === 'identity') return null;
  const codings = header.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0 || codings.length > MAX_CODINGS) return null;
  const out: Decoder[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const d = decoderFor(codings[i]);
    if (d === null) {
      for (const made of out) made.destroy();
      return null;
    }
    out.push(d);
  }
  return out;
}
