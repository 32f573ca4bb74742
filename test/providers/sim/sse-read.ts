import { performance } from 'node:perf_hooks';

/** One SSE event as received: its fields and when its bytes arrived (performance.now()). */
export interface ReceivedEvent {
  event: string | null;
  data: string;
  at: number;
}

/** POST a chat request with fetch and return the raw response (nothing parsed). */
export function postChat(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

/** Read a streaming body into SSE events, stamping each with the arrival time of its bytes. */
export async function readEvents(res: Response): Promise<ReceivedEvent[]> {
  const out: ReceivedEvent[] = [];
  const decoder = new TextDecoder();
  let buf = '';
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const at = performance.now();
    buf += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      let event: string | null = null;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      out.push({ event, data: data.join('\n'), at });
    }
  }
  return out;
}

/** The JSON chunks of a stream (skips [DONE]; throws on a data line that is not JSON). */
export function chunksOf(events: ReceivedEvent[]): any[] {
  return events.filter((e) => e.data !== '[DONE]' && e.event === null).map((e) => JSON.parse(e.data));
}

export function simpleBody(model: string, prompt: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: [{ role: 'user', content: prompt }], stream: true, stream_options: { include_usage: true }, ...extra };
}
