import { InputError } from '../errors/input-error.ts';
import type { ModelRef } from '../plan/model-ref.ts';
import type { FetchLike } from '../providers/types.ts';
import { didYouMean } from '../suite/did-you-mean.ts';
import type { ResolvedProvider } from '../run/run-jobs.ts';

/** How long a provider gets to answer GET /models before its names go unchecked (generous: a
 * loaded CI runner can take seconds for the first fetch, and a wrong verdict costs a whole run). */
const LIST_TIMEOUT_MS = 10_000;

/**
 * Checks every model against its provider's GET {base_url}/models list, before any completion
 * request: a name not listed is an InputError (exit 2) with a did-you-mean. A provider without
 * the endpoint (404, timeout, no list, an empty list) is not checked, and one warning says so.
 */
export async function checkModelNames(
  providers: ReadonlyMap<string, ResolvedProvider>, models: readonly ModelRef[],
  opts: { fetch?: FetchLike; warn: (message: string) => void },
): Promise<void> {
  const byProvider = new Map<string, ModelRef[]>();
  for (const m of models) byProvider.set(m.provider, [...(byProvider.get(m.provider) ?? []), m]);
  const problems: string[] = [];
  await Promise.all([...byProvider].map(async ([id, refs]) => {
    const p = providers.get(id);
    if (!p) return;
    const listed = await listModels(p, opts.fetch ?? (globalThis.fetch as FetchLike));
    if (typeof listed === 'string') {
      opts.warn(`provider ${id}: model names not checked (${listed}); use --no-model-check to skip the check`);
      return;
    }
    for (const m of refs) {
      if (listed.has(m.model)) continue;
      const hint = didYouMean(m.model, listed);
      const shown = [...listed].slice(0, 12).join(', ') + (listed.size > 12 ? `, ... (${listed.size} in all)` : '');
      problems.push(`model \`${m.ref}\` is not listed by ${id} (GET /models)` + (hint ? `; did you mean \`${id}:${hint}\`?` : '') + ` Listed: ${shown}.`);
    }
  }));
  if (problems.length > 0) {
    throw new InputError('UNKNOWN_MODEL', `${problems.sort().join('\n')}\nNothing was sent. Fix the name, or pass --no-model-check if the list is incomplete.`);
  }
}

/** The listed model ids, or why there is no usable list. */
async function listModels(p: ResolvedProvider, fetchImpl: FetchLike): Promise<Set<string> | string> {
  const headers = { ...p.endpoint.headers, ...(p.apiKey ? { Authorization: `Bearer ${p.apiKey}` } : {}) };
  let body: unknown;
  try {
    const res = await fetchImpl(`${p.endpoint.baseUrl}/models`, {
      headers, signal: AbortSignal.timeout(LIST_TIMEOUT_MS), redirect: 'manual', // never carry the key elsewhere
    });
    if (!res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      return `GET /models answered HTTP ${res.status}`;
    }
    body = await res.json();
  } catch (e) {
    const name = (e as Error).name;
    return name === 'TimeoutError' ? `GET /models gave no answer in ${LIST_TIMEOUT_MS / 1000} s` : 'GET /models failed or was not JSON';
  }
  const data = (body as { data?: unknown } | null)?.data;
  const ids = Array.isArray(data) ? data.map((d) => (d as { id?: unknown } | null)?.id).filter((x): x is string => typeof x === 'string') : [];
  return ids.length > 0 ? new Set(ids) : 'GET /models gave no list of models';
}
