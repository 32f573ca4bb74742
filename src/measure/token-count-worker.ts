import { parentPort } from 'node:worker_threads';
import { countMessageTokens, countTokens } from './tokenizer.ts';
import type { CountReply, CountRequest } from './token-count-thread.ts';

// The counting thread (token-count-thread.ts): the tokenizer is loaded and run here, never on a
// thread that reads sockets.
const port = parentPort!;
port.on('message', (m: CountRequest) => {
  let reply: CountReply;
  try {
    reply = { id: m.id, counts: m.texts.map(countTokens), messageTokens: m.messages ? countMessageTokens(m.messages) : undefined };
  } catch (e) {
    reply = { id: m.id, error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
