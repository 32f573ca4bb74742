import { InputError } from '../errors/input-error.ts';
import type { SuiteCase } from '../suite/schema.ts';
import { didYouMean } from '../suite/did-you-mean.ts';

type Selectable = Pick<SuiteCase, 'id' | 'tags'>;

/**
 * Cases matching any filter entry, by case id or tag (exact, case-sensitive), in suite order.
 * No filter (undefined or empty) keeps every case. A filter that selects nothing is an error.
 */
export function selectCases<C extends Selectable>(cases: readonly C[], filter: readonly string[] | undefined): C[] {
  const match = caseMatcher(filter);
  if (!match) return [...cases];
  const picked = cases.filter(match);
  if (picked.length > 0) return picked;
  throw noMatchError(filter!, cases);
}

/** A predicate for `--filter` (id or tag), or undefined when the filter keeps everything. */
export function caseMatcher(filter: readonly string[] | undefined): ((c: Selectable) => boolean) | undefined {
  const set = new Set(wantedOf(filter));
  if (set.size === 0) return undefined;
  return (c) => set.has(c.id) || (c.tags ?? []).some((t) => set.has(t));
}

/** The error for a filter that matched no case, with did-you-means from the cases' ids and tags. */
export function noMatchError(filter: readonly string[], cases: Iterable<Selectable>): InputError {
  const wanted = wantedOf(filter);
  const ids: string[] = [];
  const tagSet = new Set<string>();
  for (const c of cases) {
    ids.push(c.id);
    for (const t of c.tags ?? []) tagSet.add(t);
  }
  const tags = [...tagSet];
  const hints = wanted
    .map((w) => [w, didYouMean(w, [...ids, ...tags])] as const)
    .filter(([, h]) => h !== undefined)
    .map(([w, h]) => `\`${w}\` -> \`${h}\`?`);
  return new InputError(
    'FILTER_MATCHES_NOTHING',
    `--filter ${wanted.join(',')} matches no case id or tag.` +
      (hints.length ? ` Did you mean: ${hints.join(', ')}` : '') +
      ` Tags: ${tags.length ? tags.join(', ') : '(none)'}. Case ids: ${abbreviate(ids)}.`,
  );
}

function wantedOf(filter: readonly string[] | undefined): string[] {
  return (filter ?? []).map((f) => f.trim()).filter((f) => f !== '');
}

function abbreviate(list: string[], max = 20): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')}, ... (${list.length} in all)`;
}
