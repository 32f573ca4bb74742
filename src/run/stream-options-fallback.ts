import type { AttemptResult, ChatRequestBody } from '../providers/types.ts';

/**
 * Some servers reject `stream_options` with a 400 that names it. The attempt is then sent once
 * more without it (usage is estimated by the tokenizer for such rows, usage_source "estimated"),
 * and the provider is remembered so its later requests leave it out from the start.
 */
export class StreamOptionsFallback {
  private readonly rejecting = new Set<string>();

  /** The body to send to `provider`: without stream_options once that provider has rejected it. */
  bodyFor(provider: string, body: ChatRequestBody): ChatRequestBody {
    return this.rejecting.has(provider) && body.stream_options ? withoutStreamOptions(body) : body;
  }

  /**
   * Sends `body`, and when the answer is a 400 naming stream_options, sends it again without
   * (once). The second result is the attempt's result. Not an async function: no frame of its own
   * stays suspended (and copied by every young-generation GC) while the request streams.
   */
  send(provider: string, body: ChatRequestBody, send: (body: ChatRequestBody) => Promise<AttemptResult>): Promise<AttemptResult> {
    const first = this.bodyFor(provider, body);
    const sent = send(first);
    if (!first.stream_options) return sent;
    return sent.then((r) => {
      if (!rejectsStreamOptions(r)) return r;
      this.rejecting.add(provider);
      return send(withoutStreamOptions(first));
    });
  }
}

/** A 400 whose error message names `stream_options`. */
export function rejectsStreamOptions(r: AttemptResult): boolean {
  return !r.ok && r.httpStatus === 400 && /stream_options/.test(r.errorMessage ?? '');
}

function withoutStreamOptions(body: ChatRequestBody): ChatRequestBody {
  const { stream_options: _drop, ...rest } = body;
  return rest;
}
