import { InputError } from '../errors/input-error.ts';
import { formatSuiteIssue, type SuiteIssue } from '../errors/suite-error.ts';

/**
 * A price file (prices.yaml, --prices FILE) or a suite `pricing:` map that cannot be used:
 * unknown field, negative price, malformed key, a key that looks like a typo of a model in the run.
 * Each issue prints as `file:line:col path: message`. Exit 2.
 */
export class PriceFileError extends InputError {
  readonly issues: SuiteIssue[];
  constructor(issues: SuiteIssue[]) {
    super('PRICES_INVALID', issues.map(formatSuiteIssue).join('\n'));
    this.issues = issues;
  }
}
