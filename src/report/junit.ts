import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { configLabel } from '../grade/statistics/index.ts';
import type { ResultRow } from '../results/result-row.ts';
import { compareEfforts } from '../suite/effort.ts';
import { ExternalSorter } from './external-sort.ts';

/** The fields of a result row junit.xml reads. */
export type JunitRow = Pick<
  ResultRow,
  | 'suite' | 'case_id' | 'provider' | 'model' | 'reasoning_effort' | 'repeat' | 'status' | 'error_type'
  | 'http_status' | 'attempts' | 'latency_ms' | 'passed' | 'score' | 'output'
> & { error_message?: string | null; reasons?: string[] };

export interface JunitOptions {
  /** `name` of the root <testsuites>; default the suite of the first row. */
  name?: string;
  /** Characters of the model's answer quoted in a failure's body (more is cut); default 1000, 0 = none. */
  outputChars?: number;
  /** Testcases held in memory before a sorted run goes to a temporary file (defaults: ExternalSorter's). */
  sort?: { maxRecords?: number; maxChars?: number };
  /**
   * The run's pass rates by configuration label (summary groups' grading): written as
   * <property> pass_rate / passed / graded of each <testsuite>, so CI shows the same figure as
   * every other report (failures/errors alone cannot: skips of graded cases are failures too).
   */
  passRates?: ReadonlyMap<string, { passed: number; graded: number; pass_rate: number | null }>;
}

export interface JunitStats {
  suites: number;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** Longest failure/error `message` attribute: reporters show it on one line; the body has it all. */
const MESSAGE_CHARS = 500;

type Kind = 'pass' | 'failure' | 'error' | 'skipped';

/** One testcase as it goes through the sort (plain data: it may be spilled to disk as JSON). */
interface Testcase {
  provider: string;
  model: string;
  effort: string;
  /** First appearance of the configuration: breaks ties between configurations that sort equal. */
  group: number;
  caseId: string;
  /** First appearance of the case id: testcases are listed in case order, then by repeat. */
  caseRank: number;
  repeat: number;
  /** Position of the row: of two rows for the same case x repeat, the later one wins. */
  seq: number;
  kind: Kind;
  seconds: number;
  /** Rendered children of <testcase> ('' for a pass). */
  inner: string;
}

interface GroupTally {
  label: string;
  provider: string;
  model: string;
  effort: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  seconds: number;
}

/**
 * junit.xml for CI test reporters: one <testsuite> per configuration (`provider:model`, plus
 * ` [effort]` when an effort was sent; sorted like the summary), one <testcase> per case (in
 * order of first appearance, then by repeat), named `case_id`, or
 * `case_id#repeat` when any row has a repeat above 1. A graded answer that failed carries a
 * <failure> with its assertion reasons and the start of the answer; a failed request an <error>
 * with its error type and message; a skipped job <skipped/>. Ungraded answers pass.
 *
 * Rows are read once, streaming, each turned into a small testcase fragment. The fragments are
 * sorted into document order by an external sort (a bounded buffer; past it, sorted runs in a
 * temporary folder next to `path`), then read in two passes: the totals first (they go in the
 * opening tags), then the testcases, streamed to the file. So memory does not grow with the
 * number of rows. Written to a temporary file and renamed, mode 0o600 (it quotes answers).
 */
export async function writeJunitXml(
  rows: Iterable<JunitRow> | AsyncIterable<JunitRow>,
  path: string,
  opts: JunitOptions = {},
): Promise<JunitStats> {
  const built = await collect(rows, opts, dirname(path));
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await pipeline(Readable.from(xmlChunks(built)), createWriteStream(tmp, { mode: 0o600 }));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    await built.sorter.close();
  }
  return built.stats;
}

/** The same document as a string (tests, small runs). */
export async function renderJunitXml(
  rows: Iterable<JunitRow> | AsyncIterable<JunitRow>,
  opts: JunitOptions = {},
): Promise<string> {
  const built = await collect(rows, opts, tmpdir());
  try {
    let out = '';
    for await (const chunk of xmlChunks(built)) out += chunk;
    return out;
  } finally {
    await built.sorter.close();
  }
}

interface Built {
  name: string;
  sorter: ExternalSorter<Testcase>;
  groups: GroupTally[];
  numbered: boolean;
  stats: JunitStats;
  passRates?: JunitOptions['passRates'];
}

function compareTestcases(a: Testcase, b: Testcase): number {
  return compareGroups(a, b) || a.group - b.group || a.caseRank - b.caseRank || a.repeat - b.repeat || a.seq - b.seq;
}

/** The sorted testcases with only the last row of each configuration x case x repeat. */
async function* lastOfEach(sorted: AsyncIterable<Testcase>): AsyncGenerator<Testcase> {
  let held: Testcase | null = null;
  for await (const t of sorted) {
    if (held && (held.group !== t.group || held.caseRank !== t.caseRank || held.repeat !== t.repeat)) yield held;
    held = t;
  }
  if (held) yield held;
}

async function collect(rows: Iterable<JunitRow> | AsyncIterable<JunitRow>, opts: JunitOptions, tempParent: string): Promise<Built> {
  const outputChars = opts.outputChars ?? 1000;
  const sorter = new ExternalSorter<Testcase>({ compare: compareTestcases, tempParent, ...opts.sort });
  try {
    // Both maps grow with the suite (configurations, case ids), never with repeats or rows.
    const groupIndex = new Map<string, number>();
    const caseOrder = new Map<string, number>();
    let name = opts.name;
    let numbered = false;
    let seq = 0;
    for await (const row of rows) {
      name ??= row.suite;
      const effort = row.reasoning_effort ?? '';
      const key = `${row.provider}\u0000${row.model}\u0000${effort}`;
      let group = groupIndex.get(key);
      if (group === undefined) groupIndex.set(key, (group = groupIndex.size));
      if (row.repeat > 1) numbered = true;
      let caseRank = caseOrder.get(row.case_id);
      if (caseRank === undefined) caseOrder.set(row.case_id, (caseRank = caseOrder.size));
      await sorter.add({
        provider: row.provider, model: row.model, effort, group, caseId: row.case_id, caseRank, repeat: row.repeat,
        seq: seq++, ...testcase(row, outputChars),
      });
    }
    // Pass 1 over the sorted testcases: the totals of every configuration, in document order.
    const groups: GroupTally[] = [];
    let current: GroupTally | null = null;
    let currentGroup = -1;
    for await (const t of lastOfEach(sorter.sorted())) {
      if (t.group !== currentGroup) {
        currentGroup = t.group;
        current = {
          label: configLabel(t.provider, t.model, t.effort), provider: t.provider, model: t.model, effort: t.effort,
          tests: 0, failures: 0, errors: 0, skipped: 0, seconds: 0,
        };
        groups.push(current);
      }
      const g = current!;
      g.tests++;
      g.seconds += t.seconds;
      if (t.kind === 'failure') g.failures++;
      else if (t.kind === 'error') g.errors++;
      else if (t.kind === 'skipped') g.skipped++;
    }
    const stats: JunitStats = { suites: groups.length, tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const g of groups) {
      stats.tests += g.tests;
      stats.failures += g.failures;
      stats.errors += g.errors;
      stats.skipped += g.skipped;
    }
    return { name: name ?? 'evalbench', sorter, groups, numbered, stats, passRates: opts.passRates };
  } catch (err) {
    await sorter.close();
    throw err;
  }
}

function testcase(row: JunitRow, outputChars: number): { kind: Kind; seconds: number; inner: string } {
  const seconds = (row.latency_ms ?? 0) / 1000;
  if (row.status === 'skipped') {
    const why = `skipped: ${row.error_type ?? 'unknown'}${row.error_message ? ` (${row.error_message})` : ''}`;
    return { seconds, kind: 'skipped', inner: `<skipped message="${escapeXmlAttr(clip(why, MESSAGE_CHARS))}"/>` };
  }
  if (row.status === 'error') {
    const type = row.error_type ?? 'unknown';
    const http = row.http_status !== null && row.http_status !== undefined ? ` (HTTP ${row.http_status})` : '';
    const msg = row.error_message ? `: ${row.error_message}` : '';
    const line = `${type}${http}${msg}`;
    const body = `${line}\nattempts: ${row.attempts}`;
    return {
      seconds,
      kind: 'error',
      inner: `<error message="${escapeXmlAttr(clip(line, MESSAGE_CHARS))}" type="${escapeXmlAttr(type)}">${escapeXmlText(body)}</error>`,
    };
  }
  if (row.passed === false) {
    const reasons = (row.reasons ?? []).filter((r) => r !== '');
    const score = typeof row.score === 'number' ? `score ${Number(row.score.toFixed(3))}` : null;
    const message = reasons.length > 0 ? reasons.join('; ') : `assertions failed${score ? ` (${score})` : ''}`;
    const lines = reasons.length > 0 ? reasons.map((r) => `- ${r}`) : [message];
    if (reasons.length > 0 && score) lines.push(score);
    if (outputChars > 0) lines.push('', 'output:', clip(row.output ?? '', outputChars));
    return {
      seconds,
      kind: 'failure',
      inner: `<failure message="${escapeXmlAttr(clip(message, MESSAGE_CHARS))}" type="assertion">${escapeXmlText(lines.join('\n'))}</failure>`,
    };
  }
  return { seconds, kind: 'pass', inner: '' };
}

/** Pass 2: the document, testcases streamed from the sort. */
async function* xmlChunks(b: Built): AsyncGenerator<string> {
  let total = 0;
  for (const g of b.groups) total += g.seconds;
  const s = b.stats;
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites name="${escapeXmlAttr(b.name)}" tests="${s.tests}" failures="${s.failures}" errors="${s.errors}" skipped="${s.skipped}" time="${secs(total)}">\n`;
  /** Index in b.groups of the open <testsuite> (-1: none yet), and its escaped label. */
  let at = -1;
  let label = '';
  const open = (g: GroupTally) => {
    label = escapeXmlAttr(g.label);
    const pr = b.passRates?.get(g.label);
    const rate = pr && pr.graded > 0 && pr.pass_rate !== null
      ? `      <property name="pass_rate" value="${pr.pass_rate}"/>\n`
        + `      <property name="passed" value="${pr.passed}"/>\n`
        + `      <property name="graded" value="${pr.graded}"/>\n`
      : '';
    return `  <testsuite name="${label}" tests="${g.tests}" failures="${g.failures}" errors="${g.errors}" skipped="${g.skipped}" time="${secs(g.seconds)}">\n`
      + '    <properties>\n'
      + `      <property name="provider" value="${escapeXmlAttr(g.provider)}"/>\n`
      + `      <property name="model" value="${escapeXmlAttr(g.model)}"/>\n`
      + `      <property name="reasoning_effort" value="${escapeXmlAttr(g.effort)}"/>\n`
      + rate
      + '    </properties>\n';
  };
  let currentGroup = -1;
  let chunk = '';
  // Same sort and same de-duplication as pass 1, so b.groups[at] is this testcase's configuration.
  for await (const c of lastOfEach(b.sorter.sorted())) {
    if (c.group !== currentGroup) {
      if (at >= 0) chunk += '  </testsuite>\n';
      currentGroup = c.group;
      chunk += open(b.groups[++at]);
    }
    const name = escapeXmlAttr(b.numbered ? `${c.caseId}#${c.repeat}` : c.caseId);
    const head = `    <testcase name="${name}" classname="${label}" time="${secs(c.seconds)}"`;
    chunk += c.inner === '' ? `${head}/>\n` : `${head}>\n      ${c.inner}\n    </testcase>\n`;
    // ~16 KB per write: fewer stream calls than one per testcase, still bounded.
    if (chunk.length >= 16_384) {
      yield chunk;
      chunk = '';
    }
  }
  if (at >= 0) chunk += '  </testsuite>\n';
  yield chunk + '</testsuites>\n';
}

function secs(s: number): string {
  return Number.isFinite(s) ? s.toFixed(3) : '0.000';
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Do not split a surrogate pair at the cut.
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]) ? max - 1 : max;
  return `${text.slice(0, end)}… [${text.length - end} more characters]`;
}

function compareGroups(a: Pick<Testcase, 'provider' | 'model' | 'effort'>, b: Pick<Testcase, 'provider' | 'model' | 'effort'>): number {
  const ka = `${a.provider}:${a.model}`;
  const kb = `${b.provider}:${b.model}`;
  if (ka !== kb) return ka < kb ? -1 : 1;
  return compareEfforts(a.effort, b.effort);
}

/**
 * Characters XML 1.0 cannot hold at all (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, unpaired
 * surrogates): a model's answer may contain any of them. They become U+FFFD.
 */
const INVALID = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const TEXT_SPECIAL = new RegExp(`[&<>\\r]|${INVALID.source}`, 'g');
const ATTR_SPECIAL = new RegExp(`[&<>"'\\n\\r\\t]|${INVALID.source}`, 'g');
const ENTITY: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\n': '&#10;', '\r': '&#13;', '\t': '&#9;',
};

/** Escape element text. `>` too, so `]]>` in an answer is harmless; CR as &#13; so parsers keep it. */
export function escapeXmlText(text: string): string {
  return text.replace(TEXT_SPECIAL, (ch) => ENTITY[ch] ?? '\uFFFD');
}

/** Escape a double-quoted attribute value; line breaks and tabs as character references, which attribute normalisation keeps. */
export function escapeXmlAttr(text: string): string {
  return text.replace(ATTR_SPECIAL, (ch) => ENTITY[ch] ?? '\uFFFD');
}
