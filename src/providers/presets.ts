import { EFFORTS, type Effort } from '../suite/effort.ts';
import { SIM_EFFORTS } from './sim/models.ts';
import type { ProviderEndpoint } from './types.ts';

type Preset = Omit<ProviderEndpoint, 'headers'> & {
  headers?: Record<string, string>;
  /** reasoning_effort levels the API documents; undefined = not documented, nothing is refused. */
  efforts?: readonly Effort[];
};

/** Built-in providers a suite can name without declaring them. `sim` gets its URL at run time. */
export const PRESETS: Record<string, Preset> = {
  vigthoria: { id: 'vigthoria', baseUrl: 'https://api.vigthoria.io/v1', apiKeyEnv: 'VIGTHORIA_API_KEY' },
  // Vivgrid's chat-completions reference lists none, low, medium and high.
  vivgrid: { id: 'vivgrid', baseUrl: 'https://api.vivgrid.com/v1', apiKeyEnv: 'VIVGRID_API_KEY', efforts: ['none', 'low', 'medium', 'high'] },
  // Which of them a model takes varies (gpt-5: minimal..high; gpt-5.1: none..high; newer: up to xhigh).
  openai: { id: 'openai', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY', efforts: EFFORTS },
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

/**
 * The reasoning_effort levels a provider accepts: the simulator's own, a preset's documented
 * list, or null (a suite-declared server, or a preset without a list: anything may be sent).
 * A suite that declares a provider under a preset's id replaces the preset, list included.
 */
export function acceptedEfforts(id: string, suiteProviders: Record<string, unknown> | undefined): readonly Effort[] | null {
  if (suiteProviders !== undefined && id in suiteProviders) return null;
  if (id === SIM_PROVIDER_ID) return SIM_EFFORTS;
  return PRESETS[id]?.efforts ?? null;
}
