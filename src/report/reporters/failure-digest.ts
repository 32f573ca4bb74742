import { FailureDigestBuilder, type DigestGroup } from '../failure-digest.ts';
import { renderFailureDigestMarkdown } from '../failure-digest-render.ts';
import type { Reporter } from './reporter.ts';

/** "Why it failed" per configuration; `failures` is read once the folder is finished. */
export interface FailureDigestReporter extends Reporter {
  readonly failures: DigestGroup[];
}

/** Every row (kept by --resume too) counts; summary.md gets the digest when something failed. */
export function failureDigestReporter(options: { showFailures?: number }): FailureDigestReporter {
  const digest = new FailureDigestBuilder({ showFailures: options.showFailures });
  let failures: DigestGroup[] | undefined;
  const finish = () => (failures ??= digest.finish());
  return {
    onRow: (row) => digest.add(row),
    summarySection: () => (finish().length > 0 ? renderFailureDigestMarkdown(finish()) : undefined),
    get failures() {
      return finish();
    },
  };
}
