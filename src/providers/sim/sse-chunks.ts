import type { OpenAIErrorBody } from './error-bodies.ts';
import type { UsageJson } from './response-plan.ts';

export const SSE_DONE = 'data: [DONE]\n\n';

/**
 * Pre-built `chat.completion.chunk` SSE events. The constant parts of a chunk are encoded once
 * per response; a token event is then two string concatenations and one JSON.stringify of the
 * token text, so the per-token hot path stays tiny.
 */
export class ChunkEncoder {
  private readonly head: string;
  private readonly tail: string;
  private readonly usageHead: string;
  private readonly finishHead: string;
  private readonly finishTail: string;
  private readonly errorHead: string;

  constructor(id: string, created: number, model: string, usageNullInChunks: boolean) {
    const common = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":"fp_evalbench_sim"`;
    this.head = `data: ${common},"choices":[{"index":0,"delta":{`;
    this.tail = `},"logprobs":null,"finish_reason":null}]${usageNullInChunks ? ',"usage":null' : ''}}\n\n`;
    this.usageHead = `data: ${common},"choices":[],"usage":`;
    this.finishHead = `data: ${common},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":`;
    this.finishTail = `}]${usageNullInChunks ? ',"usage":null' : ''}}\n\n`;
    this.errorHead = `data: ${common},"error":`;
  }

  /** First chunk: role only, empty content (token-free by definition). */
  role(): string {
    return `${this.head}"role":"assistant","content":""${this.tail}`;
  }

  content(text: string): string {
    return `${this.head}"content":${JSON.stringify(text)}${this.tail}`;
  }

  reasoning(text: string): string {
    return `${this.head}"reasoning_content":${JSON.stringify(text)}${this.tail}`;
  }

  finish(reason: string): string {
    return `${this.finishHead}"${reason}"${this.finishTail}`;
  }

  usage(u: UsageJson): string {
    return `${this.usageHead}${JSON.stringify(u)}}\n\n`;
  }

  /** An `error` object inside an ordinary data chunk, as OpenRouter sends mid-stream failures. */
  errorChunk(body: OpenAIErrorBody): string {
    return `${this.errorHead}${JSON.stringify(body.error)},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}\n\n`;
  }

  /** A token chunk cut short: a data line that is not valid JSON. */
  malformed(): string {
    return `${this.head}"content":"unterminated\n\n`;
  }
}

/** A named `error` SSE event, as Groq sends it. */
export function errorEvent(body: OpenAIErrorBody): string {
  return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
}
