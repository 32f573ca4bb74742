import type { DigestGroup, DigestMessage } from './failure-digest.ts';

/** Messages shown per configuration; the rest are summed in one line. */
const MESSAGES_SHOWN = 5;

function casesNote(m: DigestMessage): string {
  const more = m.count > m.case_ids.length ? ', …' : '';
  return `${m.case_ids.length === 1 && m.count === 1 ? 'case' : 'cases'} ${m.case_ids.join(', ')}${more}`;
}

function groupHead(g: DigestGroup): string {
  const parts = [
    g.errors > 0 ? `${g.errors} ${g.errors === 1 ? 'error' : 'errors'}` : '',
    g.failed > 0 ? `${g.failed} failed ${g.failed === 1 ? 'case' : 'cases'}` : '',
  ].filter(Boolean);
  return `${g.config}: ${parts.join(', ')}`;
}

function hiddenMessages(g: DigestGroup): number {
  return g.messages.slice(MESSAGES_SHOWN).reduce((n, m) => n + m.count, 0) + g.other_messages;
}

/**
 * The digest as console text under a "Why" heading ('' when nothing failed). Failures shown are
 * the builder's first N; `failuresHidden` notes that --show-failures 0 hid them.
 */
export function renderFailureDigestText(groups: readonly DigestGroup[], options: { failuresHidden?: boolean } = {}): string {
  if (groups.length === 0) return '';
  const lines = ['Why it failed:'];
  for (const g of groups) {
    lines.push(`  ${groupHead(g)}`);
    for (const m of g.messages.slice(0, MESSAGES_SHOWN)) {
      lines.push(`    ${m.error_type} ×${m.count}: ${m.message}  (${casesNote(m)})`);
    }
    const hidden = hiddenMessages(g);
    if (hidden > 0) lines.push(`    … ${hidden} more errors with other messages (results.csv has them all)`);
    for (const f of g.failures) {
      const why = f.reasons.length > 0 ? f.reasons.join('; ') : 'no reason given';
      lines.push(`    failed ${f.case_id}${f.repeat > 1 ? ` (repeat ${f.repeat})` : ''}: ${why}`);
    }
    const unshown = g.failed - g.failures.length;
    if (unshown > 0 && !options.failuresHidden) lines.push(`    … ${unshown} more failed cases (--show-failures N shows more; report.html has all)`);
  }
  return lines.join('\n') + '\n';
}

const md = (s: string) => s.replace(/[|`*_<>[\]\\]/g, (c) => `\\${c}`);

/** The same digest as a `## Why it failed` section for summary.md and $GITHUB_STEP_SUMMARY. */
export function renderFailureDigestMarkdown(groups: readonly DigestGroup[]): string {
  if (groups.length === 0) return '';
  const lines = ['## Why it failed', ''];
  for (const g of groups) {
    lines.push(`**${md(groupHead(g))}**`, '');
    for (const m of g.messages.slice(0, MESSAGES_SHOWN)) lines.push(`- \`${m.error_type}\` ×${m.count}: ${md(m.message)} (${md(casesNote(m))})`);
    const hidden = hiddenMessages(g);
    if (hidden > 0) lines.push(`- … ${hidden} more errors with other messages`);
    for (const f of g.failures) {
      lines.push(`- failed ${md(f.case_id)}${f.repeat > 1 ? ` (repeat ${f.repeat})` : ''}: ${md(f.reasons.join('; ') || 'no reason given')}`);
    }
    const unshown = g.failed - g.failures.length;
    if (unshown > 0) lines.push(`- … ${unshown} more failed cases`);
    lines.push('');
  }
  return lines.join('\n');
}
