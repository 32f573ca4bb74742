export { sendChatCompletion } from './openai-client.ts';
export { parseRetryAfter } from './retry-after.ts';
export { redactSecrets } from './redact.ts';
export { PRESETS, SIM_PROVIDER_ID, isKnownProvider } from './presets.ts';
export { startSimulator, type SimulatorOptions, type RunningSimulator } from './sim/index.ts';
export { ERROR_TYPES } from './types.ts';
export type {
  ProviderEndpoint, ChatMessage, ChatContentPart, ChatRequestBody, AttemptRequest, AttemptResult,
  ErrorType, Usage, ToolCallOut, FetchLike,
} from './types.ts';
export { checkBaseUrl, isLoopbackHost, urlRefusal } from './url-policy.ts';
export type { ClientDeps } from './openai-client.ts';
