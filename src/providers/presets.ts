import type { ProviderEndpoint } from './types.ts';

/** Built-in providers a suite can name without declaring them. `sim` gets its URL at run time. */
export const PRESETS: Record<string, Omit<ProviderEndpoint, 'headers'> & { headers?: Record<string, string> }> = {
  vigthoria: { id: 'vigthoria', baseUrl: 'https://api.vigthoria.io/v1', apiKeyEnv: 'VIGTHORIA_API_KEY' },
  vivgrid: { id: 'vivgrid', baseUrl: 'https://api.vivgrid.com/v1', apiKeyEnv: 'VIVGRID_API_KEY' },
  openai: { id: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' },
};

/**
 * Models each built-in provider documents (README), checked offline by `validate`. A provider
 * not listed here (openai: too many, changing) is only checked online, against GET /models.
 */
export const DOCUMENTED_MODELS: Readonly<Record<string, readonly string[]>> = {
  vigthoria: ['v2-reasoning', 'v2-creative', 'v2-code', 'v2-vision'],
  vivgrid: ['managed'],
  sim: ['fast', 'slow', 'reasoner', 'flaky', 'instant'],
};

/** The simulator's provider id: started in-process when a run names `sim:*` models. */
export const SIM_PROVIDER_ID = 'sim';

export function isKnownProvider(id: string, suiteProviders: Record<string, unknown> | undefined): boolean {
  return id === SIM_PROVIDER_ID || id in PRESETS || (suiteProviders !== undefined && id in suiteProviders);
}
