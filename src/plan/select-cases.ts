import { InputError } from '../errors/input-error.ts';
import type { SuiteCase } from '../suite/schema.ts';
import { didYouMean } from '../suite/did-you-mean.ts';

/**
 * Cases matching any filter entry, by case id or tag (exact, case-sensitive), in suite order.
 * No filter (undefined or empty) keeps every case. A filter that selects nothing is an error.
 */
export function selectCases<C extends Pick<SuiteCase, 'id' | 'tags'>>(cases: readonly C[], filter: readonly string[] | undefined): C[] {
  const wanted = (filter ?? []).map((f) => f.trim()).filter((f) => f !== '');
  if (wanted.length === 0) return [...cases];
  const set = new Set(wanted);
  const picked = cases.filter((c) => set.has(c.id) || (c.tags ?? []).some((t) => set.has(t)));
  if (picked.length > 0) return picked;

  const ids = cases.map((c) => c.id);
  const tags = [...new Set(cases.flatMap((c) => c.tags ?? []))];
  const hints = wanted
    .map((w) => [w, didYouMean(w, [...ids, ...tags])] as const)
    .filter(([, h]) => h !== undefined)
    .map(([w, h]) => `\`${w}\` -> \`${h}\`?`);
  throw new InputError(
    'FILTER_MATCHES_NOTHING',
    `--filter ${wanted.join(',')} matches no case id or tag.` +
      (hints.length ? ` Did you mean: ${hints.join(', ')}` : '') +
      ` Tags: ${tags.length ? tags.join(', ') : '(none)'}. Case ids: ${abbreviate(ids)}.`,
  );
}

function abbreviate(list: string[], max = 20): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')}, ... (${list.length} in all)`;
}
