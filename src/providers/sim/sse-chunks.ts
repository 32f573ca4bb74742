import type { OpenAIErrorBody } from './error-bodies.ts';
import type { UsageJson } from './response-plan.ts';

export const SSE_DONE = 'data: [DONE]\n\n';

/**
 * Pre-built `chat.completion.chunk` SSE events. The constant parts of a chunk are encoded once
 * per response; a token event is then two string concatenations and one JSON.stringify of the
 * token text, so the per-token hot path stays tiny.
 */
export class ChunkEncoder {
  private readonly common: string;
  /** Chunk openings up to the delta's keys, per choice index (0 built up front). */
  private readonly heads: string[];
  private readonly tail: string;
  private readonly usageHead: string;
  private readonly finishHead: string;
  private readonly finishTail: string;
  private readonly errorHead: string;

  constructor(id: string, created: number, model: string, usageNullInChunks: boolean) {
    const common = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":"fp_evalbench_sim"`;
    this.common = common;
    this.heads = [`data: ${common},"choices":[{"index":0,"delta":{`];
    this.tail = `},"logprobs":null,"finish_reason":null}]${usageNullInChunks ? ',"usage":null' : ''}}\n\n`;
    this.usageHead = `data: ${common},"choices":[],"usage":`;
    this.finishHead = `data: ${common},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":`;
    this.finishTail = `}]${usageNullInChunks ? ',"usage":null' : ''}}\n\n`;
    this.errorHead = `data: ${common},"error":`;
  }

  private head(choice: number): string {
    return (this.heads[choice] ??= `data: ${this.common},"choices":[{"index":${choice},"delta":{`);
  }

  /** First chunk: role only, empty content (token-free by definition). */
  role(choice = 0): string {
    return `${this.head(choice)}"role":"assistant","content":""${this.tail}`;
  }

  content(text: string, choice = 0): string {
    return `${this.head(choice)}"content":${JSON.stringify(text)}${this.tail}`;
  }

  reasoning(text: string, choice = 0): string {
    return `${this.head(choice)}"reasoning_content":${JSON.stringify(text)}${this.tail}`;
  }

  /** A tool call's first delta (id, name, empty arguments), as OpenAI streams it. */
  toolCallStart(call: number, id: string, name: string, choice = 0): string {
    const fn = `{"name":${JSON.stringify(name)},"arguments":""}`;
    return `${this.head(choice)}"tool_calls":[{"index":${call},"id":${JSON.stringify(id)},"type":"function","function":${fn}}]${this.tail}`;
  }

  /** A fragment of a tool call's arguments text. */
  toolCallArguments(call: number, text: string, choice = 0): string {
    return `${this.head(choice)}"tool_calls":[{"index":${call},"function":{"arguments":${JSON.stringify(text)}}}]${this.tail}`;
  }

  finish(reason: string, choice = 0): string {
    const head = choice === 0 ? this.finishHead : this.finishHead.replace('"index":0', `"index":${choice}`);
    return `${head}"${reason}"${this.finishTail}`;
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
    return `${this.head(0)}"content":"unterminated\n\n`;
  }
}

/** A named `error` SSE event, as Groq sends it. */
export function errorEvent(body: OpenAIErrorBody): string {
  return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
}
