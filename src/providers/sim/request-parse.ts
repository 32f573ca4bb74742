import { ERR, type OpenAIErrorBody } from './error-bodies.ts';
import { SIM_EFFORTS, type SimEffort } from './models.ts';
import { parseAnswerOptions, type SimAnswerOptions } from './request-tools.ts';

/** A chat request as the simulator uses it. */
export interface SimRequest extends SimAnswerOptions {
  model: string;
  messages: Array<{ role: string; text: string; images: number }>;
  stream: boolean;
  includeUsage: boolean;
  effort: SimEffort | undefined;
  maxTokens: number | undefined;
  seed: number | undefined;
  /** Stop sequences: the answer is cut before the first one (finish_reason stays "stop"). */
  stop: string[];
}

export type ParseResult = { ok: true; request: SimRequest } | { ok: false; status: number; body: OpenAIErrorBody };

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const EFFORTS = new Set<string>(SIM_EFFORTS);

const bad = (body: OpenAIErrorBody): ParseResult => ({ ok: false, status: 400, body });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Each message's role, text (text parts joined) and image count; a 400 for a bad one. */
function parseMessages(messages: unknown[]): SimRequest['messages'] | ParseResult {
  const parsed: SimRequest['messages'] = [];
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObject(m) || typeof m.role !== 'string' || !ROLES.has(m.role)) {
      return bad(ERR.invalid(`messages[${i}].role`, `Invalid value for 'messages[${i}].role': expected one of system, developer, user, assistant, tool.`));
    }
    const c = m.content;
    if (typeof c === 'string') {
      parsed.push({ role: m.role, text: c, images: 0 });
    } else if (Array.isArray(c)) {
      let text = '';
      let images = 0;
      for (const part of c) {
        if (isObject(part) && part.type === 'text' && typeof part.text === 'string') text += (text ? '\n' : '') + part.text;
        else if (isObject(part) && part.type === 'image_url') images++;
        else return bad(ERR.invalid(`messages[${i}].content`, `Invalid content part in 'messages[${i}].content'.`));
      }
      parsed.push({ role: m.role, text, images });
    } else if (c === null && m.role === 'assistant') {
      parsed.push({ role: m.role, text: '', images: 0 });
    } else {
      return bad(ERR.invalid(`messages[${i}].content`, `Invalid type for 'messages[${i}].content': expected a string or an array of content parts.`));
    }
  }
  return parsed;
}

/** Validate like the real API where it matters to a client (400 with `param`), lenient elsewhere. */
export function parseChatRequest(raw: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return bad(ERR.badJson());
  }
  if (!isObject(json)) return bad(ERR.badJson());
  const { model, messages, stream, stream_options, reasoning_effort, seed } = json;
  if (typeof model !== 'string' || model === '') return bad(ERR.missing('model'));
  if (messages === undefined) return bad(ERR.missing('messages'));
  if (!Array.isArray(messages) || messages.length === 0) {
    return bad(ERR.invalid('messages', "Invalid 'messages': expected an array with at least 1 element."));
  }
  const parsed = parseMessages(messages);
  if (!Array.isArray(parsed)) return parsed;
  if (stream !== undefined && typeof stream !== 'boolean') return bad(ERR.invalid('stream', "Invalid type for 'stream': expected a boolean."));
  if (stream_options !== undefined && stream_options !== null && stream !== true) {
    return bad(ERR.invalid('stream_options', "The 'stream_options' parameter is only allowed when 'stream' is enabled."));
  }
  if (reasoning_effort !== undefined && reasoning_effort !== null && !(typeof reasoning_effort === 'string' && EFFORTS.has(reasoning_effort))) {
    return bad(ERR.invalid('reasoning_effort', `Invalid value for 'reasoning_effort': expected one of ${SIM_EFFORTS.join(', ')}.`));
  }
  const maxRaw = json.max_completion_tokens ?? json.max_tokens;
  if (maxRaw !== undefined && maxRaw !== null && !(Number.isInteger(maxRaw) && (maxRaw as number) > 0)) {
    return bad(ERR.invalid('max_completion_tokens', "Invalid 'max_completion_tokens': expected a positive integer."));
  }
  const stopRaw = json.stop;
  const stop = typeof stopRaw === 'string' ? [stopRaw] : Array.isArray(stopRaw) ? stopRaw : [];
  if ((stopRaw !== undefined && stopRaw !== null && typeof stopRaw !== 'string' && !Array.isArray(stopRaw)) ||
      stop.length > 4 || !stop.every((x) => typeof x === 'string' && x.length > 0)) {
    return bad(ERR.invalid('stop', "Invalid 'stop': expected a non-empty string or an array of up to 4 of them."));
  }
  const answer = parseAnswerOptions(json);
  if (!answer.ok) return bad(answer.body);
  return {
    ok: true,
    request: {
      ...answer.value,
      model,
      messages: parsed,
      stream: stream === true,
      includeUsage: isObject(stream_options) && stream_options.include_usage === true,
      effort: (reasoning_effort ?? undefined) as SimEffort | undefined,
      maxTokens: (maxRaw ?? undefined) as number | undefined,
      seed: typeof seed === 'number' ? seed : undefined,
      stop: stop as string[],
    },
  };
}
