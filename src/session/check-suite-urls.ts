import { InputError, SuiteError, type SuiteIssue } from '../errors/index.ts';
import { checkBaseUrl, type UrlPolicyOptions } from '../providers/url-policy.ts';
import { suiteIssueAt, type Suite } from '../suite/index.ts';

/**
 * The URL policy (url-policy.ts) applied to every provider the suite declares, before anything
 * runs: `validate` and `run` refuse the same base URLs (credentials in the URL, plain http to
 * another machine), each at its line and column in the suite file (exit 2).
 */
export function checkSuiteBaseUrls(suite: Pick<Suite, 'file' | 'providers'>, opts: UrlPolicyOptions = {}): void {
  const issues: SuiteIssue[] = [];
  for (const [id, spec] of Object.entries(suite.providers ?? {})) {
    try {
      checkBaseUrl(spec.base_url, opts);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(suiteIssueAt(suite, ['providers', id, 'base_url'], e.message.replace(/^base_url /, '')));
    }
  }
  if (issues.length > 0) throw new SuiteError(issues);
}
