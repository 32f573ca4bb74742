import { MissingApiKeyError } from '../errors/index.ts';
import { InputError } from '../errors/input-error.ts';
import { PRESETS, SIM_PROVIDER_ID } from '../providers/presets.ts';
import type { ProviderSpec } from '../suite/schema.ts';
import type { ResolvedProvider } from '../run/run-jobs.ts';

/**
 * Finds each provider a run needs (suite entry, else preset) and reads its key from the
 * environment. Every missing key is reported here, before any request is sent. `simUrl` is the
 * in-process simulator's base URL when the run names `sim:*` models.
 */
export function resolveProviders(
  ids: Iterable<string>,
  suiteProviders: Record<string, ProviderSpec> | undefined,
  env: Record<string, string | undefined>,
  simUrl?: string,
): Map<string, ResolvedProvider> {
  const out = new Map<string, ResolvedProvider>();
  for (const id of ids) {
    const spec = suiteProviders?.[id];
    let resolved: ResolvedProvider;
    if (spec) {
      resolved = {
        endpoint: {
          id,
          baseUrl: spec.base_url,
          apiKeyEnv: spec.api_key_env,
          headers: spec.headers ?? {},
          concurrency: spec.concurrency,
        },
      };
    } else if (id === SIM_PROVIDER_ID) {
      if (!simUrl) throw new Error('internal: the simulator was not started');
      resolved = { endpoint: { id, baseUrl: simUrl, headers: {}, sampleHeader: 'x-sim-sample' } };
    } else if (PRESETS[id]) {
      const p = PRESETS[id];
      resolved = { endpoint: { ...p, headers: p.headers ?? {} } };
    } else {
      throw new InputError('UNKNOWN_PROVIDER', `unknown provider "${id}": declare it under providers: in the suite, or use one of ${[SIM_PROVIDER_ID, ...Object.keys(PRESETS)].join(', ')}`);
    }
    const keyEnv = resolved.endpoint.apiKeyEnv;
    if (keyEnv) {
      const key = env[keyEnv];
      if (!key) throw new MissingApiKeyError(keyEnv, id);
      resolved.apiKey = key;
    }
    out.set(id, resolved);
  }
  return out;
}
