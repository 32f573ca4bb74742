import { PRESETS, SIM_PROVIDER_ID } from '../providers/presets.ts';

/** Provider ids a suite may use: the simulator, the presets, then the suite's own `providers`. */
export function knownProviderIds(suiteProviders: Record<string, unknown> | undefined): string[] {
  return [...new Set([SIM_PROVIDER_ID, ...Object.keys(PRESETS), ...Object.keys(suiteProviders ?? {})])];
}
