import type { SimRequest } from './request-parse.ts';
import type { SimTool } from './request-tools.ts';
import { SeededRandom } from './seeded-random.ts';
import { properNouns, schemaValue } from './schema-value.ts';

/** One planned call: the function and its arguments as JSON text. */
export interface PlannedCall {
  id: string;
  name: string;
  arguments: string;
}

/** Most calls in one answer when parallel calls are allowed. */
const MAX_PARALLEL = 3;

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4));
}

/** How many of a tool's name parts and description words the prompt uses. */
function relevance(tool: SimTool, prompt: Set<string>): number {
  const own = words(`${tool.name.replace(/[_-]/g, ' ')} ${tool.description}`);
  let n = 0;
  for (const w of own) if (prompt.has(w)) n++;
  return n;
}

/** The tools to call, or [] for a text answer, following tool_choice. */
function chooseTools(request: SimRequest, prompt: string): SimTool[] {
  const { tools, toolChoice } = request;
  if (tools.length === 0 || toolChoice === 'none') return [];
  if (typeof toolChoice === 'object') return tools.filter((t) => t.name === toolChoice.name);
  const last = request.messages[request.messages.length - 1];
  // After a tool result, `auto` answers in text (a model would use the result).
  if (toolChoice === 'auto' && last.role === 'tool') return [];
  const p = words(prompt);
  const ranked = tools.map((t, i) => ({ t, i, r: relevance(t, p) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const relevant = ranked.filter((x) => x.r > 0).map((x) => x.t);
  if (relevant.length === 0) return toolChoice === 'required' ? [ranked[0].t] : [];
  return request.parallelToolCalls ? relevant.slice(0, MAX_PARALLEL) : relevant.slice(0, 1);
}

/**
 * The calls one choice makes: tools chosen by tool_choice (auto: those whose name or description
 * words the prompt uses), arguments generated from each parameters schema, string fields filled
 * with the prompt's proper nouns. Seeded by `key`, so the same request gets the same calls.
 */
export function planToolCalls(request: SimRequest, prompt: string, key: readonly (string | number)[]): PlannedCall[] {
  const chosen = chooseTools(request, prompt);
  const names = properNouns(prompt);
  return chosen.map((tool, i) => {
    const rng = new SeededRandom('tool-call', ...key, tool.name, i);
    const args = schemaValue(tool.parameters ?? { type: 'object', properties: {} }, { names: [...names] }, rng);
    const id = `call_${rng.int(36 ** 8).toString(36).padStart(8, '0')}${i}`;
    return { id, name: tool.name, arguments: JSON.stringify(args) };
  });
}

/** A text answer that uses the last tool result, when the conversation ends with one. */
export function toolResultAnswer(request: SimRequest): string | null {
  const last = request.messages[request.messages.length - 1];
  if (last.role !== 'tool') return null;
  return `According to the tool result: ${last.text.trim()}`;
}
