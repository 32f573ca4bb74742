/** File names inside a run's --out directory (user-facing contract). */
export const REPORT_FILES = {
  jsonl: 'results.jsonl',
  csv: 'results.csv',
  summaryJson: 'summary.json',
  summaryMd: 'summary.md',
  junit: 'junit.xml',
  html: 'report.html',
} as const;
