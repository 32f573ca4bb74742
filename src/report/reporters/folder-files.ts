import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCsvFromJsonl } from '../csv-writer.ts';
import { readJsonlRows } from '../../results/jsonl-sink.ts';
import { writeSummaryJson } from '../summary.ts';
import { renderSummaryMarkdown } from '../summary-markdown.ts';
import { writeJunitXml } from '../junit.ts';
import { writeSketchFile } from '../sketch-file.ts';
import { writeHtmlReport } from '../html/index.ts';
import { configLabel } from '../../grade/statistics/index.ts';
import { REPORT_FILES } from '../report-files.ts';
import type { Reporter } from './reporter.ts';

/** results.csv, streamed from the finished results.jsonl. */
export function csvReporter(): Reporter {
  return {
    onFinished: async (_summary, dir) => {
      await writeCsvFromJsonl(join(dir, REPORT_FILES.jsonl), join(dir, REPORT_FILES.csv));
    },
  };
}

/** summary.json, and summary.md: the summary tables, then the other reporters' sections (gates, failures). */
export function summaryReporter(): Reporter {
  return {
    onFinished: async (summary, dir, { markdownSections }) => {
      await writeSummaryJson(join(dir, REPORT_FILES.summaryJson), summary);
      const md = renderSummaryMarkdown(summary) + markdownSections.map((s) => '\n' + s).join('');
      await writeFile(join(dir, REPORT_FILES.summaryMd), md, 'utf8');
    },
  };
}

/** junit.xml: one test case per row, with each configuration's pass rate. */
export function junitReporter(): Reporter {
  return {
    onFinished: async (summary, dir) => {
      const passRates = new Map(summary.groups.map((g) => [configLabel(g.provider, g.model, g.reasoning_effort), g.grading]));
      await writeJunitXml(readJsonlRows(join(dir, REPORT_FILES.jsonl)), join(dir, REPORT_FILES.junit), { name: summary.suite, passRates });
    },
  };
}

/** sketches.json: percentiles that `merge --summaries-only` combines without re-reading the rows. */
export function sketchReporter(): Reporter {
  return { onFinished: (_summary, dir) => writeSketchFile(dir) };
}

/** report.html, from the summary and the rows. */
export function htmlReporter(): Reporter {
  return {
    onFinished: async (summary, dir) => {
      await writeHtmlReport(dir, { summary, quality: summary.quality });
    },
  };
}

/** The files every finished run folder holds, in the order they are written. */
export function folderFileReporters(): Reporter[] {
  return [csvReporter(), summaryReporter(), junitReporter(), sketchReporter(), htmlReporter()];
}
