import type { SuiteIssue } from '../errors/suite-error.ts';
import { validateAssertions } from '../grade/validate-assertions.ts';
import { PriceFileError } from '../cost/price-file-error.ts';
import { pricingFromMap } from '../cost/price-table.ts';
import type { PathSegment } from './issue-path.ts';
import type { SuiteDocument } from './schema.ts';
import type { YamlLocator } from './yaml-locate.ts';
import type { RawIssue } from './zod-issues.ts';

/**
 * Checks that need other stages' knowledge, after the schema passed: every assertion (type,
 * values, regexes, schema and grader files, the judge) and the suite's `pricing:` map.
 */
export function checkAssertions(doc: SuiteDocument, dir: string): RawIssue[] {
  const issues: RawIssue[] = [];
  const opts = { judge: doc.grading?.judge, suiteProviders: doc.providers };
  const check = (specs: SuiteDocument['default_assert'], base: PathSegment[]) => {
    if (!specs) return;
    for (const p of validateAssertions(specs, dir, doc.models, opts)) {
      issues.push({ path: [...base, p.index, ...(p.field ? [p.field] : [])], message: p.message });
    }
  };
  check(doc.default_assert, ['default_assert']);
  doc.cases.forEach((c, i) => check(c.assert, ['cases', i, 'assert']));
  return issues;
}

/** Positioned issues of the suite's `pricing:` map (negative prices, unknown fields...). */
export function checkPricing(doc: SuiteDocument, file: string, locator: YamlLocator): SuiteIssue[] {
  if (!doc.pricing) return [];
  try {
    pricingFromMap(doc.pricing, file, (path, atKey) => {
      const p = locator.locate(['pricing', ...path], atKey ? 'key' : 'value');
      return { file, line: p.line, col: p.col };
    });
    return [];
  } catch (e) {
    if (e instanceof PriceFileError) return e.issues;
    throw e;
  }
}
