import { ERR, type OpenAIErrorBody } from './error-bodies.ts';

/** A function the request offers (`tools[i].function`). */
export interface SimTool {
  name: string;
  description: string;
  /** The JSON schema of the arguments (anything when absent). */
  parameters: unknown;
}

export type SimToolChoice = 'none' | 'auto' | 'required' | { name: string };

export type SimResponseFormat = { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; schema: unknown };

/** The answer-shaping parameters: tools, tool_choice, parallel_tool_calls, response_format, n. */
export interface SimAnswerOptions {
  tools: SimTool[];
  toolChoice: SimToolChoice;
  parallelToolCalls: boolean;
  responseFormat: SimResponseFormat;
  /** Choices to generate (1 when absent). */
  n: number;
}

/** A request without tools, response_format or n: one plain text answer. */
export const PLAIN_ANSWER: Readonly<SimAnswerOptions> = {
  tools: [], toolChoice: 'none', parallelToolCalls: true, responseFormat: { type: 'text' }, n: 1,
};

/** Most choices one request may ask for (OpenAI documents 128). */
export const MAX_N = 128;

type Parsed<T> = { ok: true; value: T } | { ok: false; body: OpenAIErrorBody };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

function parseTools(raw: unknown): Parsed<SimTool[]> {
  if (raw === undefined || raw === null) return { ok: true, value: [] };
  if (!Array.isArray(raw)) return { ok: false, body: ERR.invalid('tools', "Invalid type for 'tools': expected an array of tools.") };
  const tools: SimTool[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t: unknown = raw[i];
    const fn = isObject(t) && t.type === 'function' && isObject(t.function) ? t.function : null;
    if (!fn || typeof fn.name !== 'string' || !NAME.test(fn.name)) {
      return { ok: false, body: ERR.invalid(`tools[${i}].function.name`, `Invalid 'tools[${i}]': expected {type: "function", function: {name}} with a name of a-z, A-Z, 0-9, _ or - (at most 64).`) };
    }
    tools.push({ name: fn.name, description: typeof fn.description === 'string' ? fn.description : '', parameters: fn.parameters });
  }
  return { ok: true, value: tools };
}

function parseToolChoice(raw: unknown, tools: SimTool[]): Parsed<SimToolChoice> {
  if (raw === undefined || raw === null) return { ok: true, value: tools.length > 0 ? 'auto' : 'none' };
  if (tools.length === 0) {
    return { ok: false, body: ERR.invalid('tool_choice', "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.") };
  }
  if (raw === 'none' || raw === 'auto' || raw === 'required') return { ok: true, value: raw };
  const name = isObject(raw) && raw.type === 'function' && isObject(raw.function) ? raw.function.name : undefined;
  if (typeof name === 'string' && tools.some((t) => t.name === name)) return { ok: true, value: { name } };
  return {
    ok: false,
    body: ERR.invalid('tool_choice', `Invalid value for 'tool_choice': expected none, auto, required or {type: "function", function: {name}} naming one of the tools (${tools.map((t) => t.name).join(', ')}).`),
  };
}

function parseResponseFormat(raw: unknown): Parsed<SimResponseFormat> {
  if (raw === undefined || raw === null) return { ok: true, value: { type: 'text' } };
  const type = isObject(raw) ? raw.type : undefined;
  if (type === 'text' || type === 'json_object') return { ok: true, value: { type } };
  if (type === 'json_schema' && isObject(raw) && isObject(raw.json_schema)) {
    return { ok: true, value: { type, schema: raw.json_schema.schema } };
  }
  return { ok: false, body: ERR.invalid('response_format', "Invalid 'response_format': expected {type: text}, {type: json_object} or {type: json_schema, json_schema: {name, schema}}.") };
}

/** Tools, tool_choice, parallel_tool_calls, response_format and n of a request body, checked like the real API. */
export function parseAnswerOptions(json: Record<string, unknown>): Parsed<SimAnswerOptions> {
  const tools = parseTools(json.tools);
  if (!tools.ok) return tools;
  const toolChoice = parseToolChoice(json.tool_choice, tools.value);
  if (!toolChoice.ok) return toolChoice;
  const responseFormat = parseResponseFormat(json.response_format);
  if (!responseFormat.ok) return responseFormat;
  const n = json.n ?? 1;
  if (!(Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_N)) {
    return { ok: false, body: ERR.invalid('n', `Invalid 'n': expected an integer from 1 to ${MAX_N}.`) };
  }
  return {
    ok: true,
    value: {
      tools: tools.value, toolChoice: toolChoice.value, parallelToolCalls: json.parallel_tool_calls !== false,
      responseFormat: responseFormat.value, n: n as number,
    },
  };
}
