import type { ServerResponse } from 'node:http';
import { constants as zlibConstants, createGzip } from 'node:zlib';
import type { Sink } from './schedule.ts';

/** Node corks a response's first writes until the next tick: destroy only once bytes are out. */
function cutLater(res: ServerResponse): () => void {
  return () => setImmediate(() => res.socket?.destroy());
}

/** A sink writing SSE text to the response, through gzip (flushed per write) when asked. */
export function streamSink(res: ServerResponse, gzip: boolean): Sink {
  const cut = cutLater(res);
  if (!gzip) {
    return {
      write: (d) => void res.write(d),
      end: () => res.end(),
      destroy: (last) => (last ? res.write(last, cut) : cut()),
    };
  }
  const gz = createGzip();
  gz.pipe(res);
  return {
    write: (d) => {
      gz.write(d);
      gz.flush(zlibConstants.Z_SYNC_FLUSH);
    },
    end: () => gz.end(),
    destroy: (last) => {
      if (last) gz.write(last);
      gz.flush(zlibConstants.Z_SYNC_FLUSH, cut);
    },
  };
}

/** A raw sink: the body is one Buffer (maybe gzip), written whole or cut in half by a reset. */
export function wholeBodySink(res: ServerResponse, bytes: Buffer, head: () => void): Sink {
  return {
    write: () => undefined,
    end: () => {
      head();
      res.end(bytes);
    },
    destroy: () => {
      head();
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), cutLater(res));
    },
  };
}
