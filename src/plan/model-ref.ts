import { InputError } from '../errors/input-error.ts';

export interface ModelRef {
  /** As written: `local:llama3:8b`. */
  ref: string;
  /** Before the first colon: `local`. */
  provider: string;
  /** After the first colon, sent as the request's `model`: `llama3:8b`. */
  model: string;
}

const PROVIDER_ID = /^[A-Za-z0-9_.-]+$/;

/** Splits `provider:model` at the FIRST colon, so model names may contain colons (Ollama tags). */
export function parseModelRef(ref: string): ModelRef {
  const text = ref.trim();
  const colon = text.indexOf(':');
  const provider = colon < 0 ? '' : text.slice(0, colon);
  const model = colon < 0 ? '' : text.slice(colon + 1);
  if (!PROVIDER_ID.test(provider) || model.trim() === '') {
    throw new InputError(
      'BAD_MODEL_REF',
      `bad model reference \`${ref}\`: expected \`provider:model\` (e.g. sim:fast, vigthoria:v2-code, local:llama3:8b)`,
    );
  }
  return { ref: text, provider, model };
}
