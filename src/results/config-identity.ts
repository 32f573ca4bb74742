/**
 * A configuration: one model at one reasoning effort, the unit every table, gate and comparison
 * is about. Its key and label are declared here once; every layer that groups rows uses them.
 */
export interface ConfigIdentity {
  provider: string;
  model: string;
  /** '' = the field was not sent (the platform's default). */
  reasoning_effort: string;
}

/** Stable key of a configuration. The NUL separator cannot occur in a model reference. */
export function configKey(provider: string, model: string, reasoningEffort: string): string {
  return `${provider}:${model}\u0000${reasoningEffort}`;
}

/** `provider:model [effort]`, as tables show it. */
export function configLabel(provider: string, model: string, reasoningEffort: string): string {
  return reasoningEffort ? `${provider}:${model} [${reasoningEffort}]` : `${provider}:${model}`;
}
