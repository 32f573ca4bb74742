import type { ChatContentPart, ChatMessage } from '../providers/types.ts';
import { substituteVars } from '../suite/placeholders.ts';
import type { RequestOptions, SuiteCase } from '../suite/schema.ts';

/**
 * The messages a case sends: `prompt` becomes [system?, user]; `messages` are used as given,
 * with the system prompt (case `system`, else `defaults.system`) prepended when they hold no
 * system or developer message. `{{name}}` placeholders are filled from the case's vars in every
 * text, never in image URLs.
 */
export function renderMessages(c: SuiteCase, defaults: RequestOptions | undefined): ChatMessage[] {
  const vars = c.vars;
  const fill = (text: string) => substituteVars(text, vars);
  const system = c.system ?? defaults?.system;
  const out: ChatMessage[] = [];

  if (c.prompt !== undefined) {
    if (system !== undefined) out.push({ role: 'system', content: fill(system) });
    out.push({ role: 'user', content: fill(c.prompt) });
    return out;
  }
  const messages = c.messages ?? [];
  if (system !== undefined && !messages.some((m) => m.role === 'system' || m.role === 'developer')) {
    out.push({ role: 'system', content: fill(system) });
  }
  for (const m of messages) {
    const content: ChatMessage['content'] =
      m.content === null ? null
      : typeof m.content === 'string'
        ? fill(m.content)
        : m.content.map((p): ChatContentPart =>
            p.type === 'text' ? { type: 'text', text: fill(p.text) } : { type: 'image_url', image_url: { ...p.image_url } },
          );
    const msg: ChatMessage = { role: m.role, content };
    // Tool-call arguments and results are templated too: a dataset can hold them.
    if (m.tool_calls) msg.tool_calls = m.tool_calls.map((t) => ({ ...t, function: { name: t.function.name, arguments: fill(t.function.arguments) } }));
    if (m.tool_call_id !== undefined) msg.tool_call_id = m.tool_call_id;
    if (m.name !== undefined) msg.name = m.name;
    out.push(msg);
  }
  return out;
}
