import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { configLabel } from '../grade/statistics/index.ts';
import type { ResultRow } from '../run/result-row.ts';

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

interface Testcase {
  caseId: string;
  repeat: number;
  kind: Kind;
  seconds: number;
  /** Rendered children of <testcase> ('' for a pass). */
  inner: string;
}

interface Group {
  label: string;
  provider: string;
  model: string;
  effort: string;
  /** `case_id \0 repeat` -> testcase; a later row for the same pair replaces it (resumed runs). */
  cases: Map<string, Testcase>;
}

/**
 * junit.xml for CI test reporters: one <testsuite> per configuration (`provider:model`, plus
 * ` [effort]` when an effort was sent; sorted like the summary), one <testcase> per case (in
 * order of first appearance, then by repeat), named `case_id`, or
 * `case_id#repeat` when any row has a repeat above 1. A graded answer that failed carries a
 * <failure> with its assertion reasons and the start of the answer; a failed request an <error>
 * with its error type and message; a skipped job <skipped/>. Ungraded answers pass.
 *
 * Rows are read once, streaming; only each testcase's small XML fragment is kept until the end
 * (suite totals go in the opening tag), never the rows or whole answers. Written to a temporary
 * file and renamed, mode 0o600 (it quotes answers).
 */
export async function writeJunitXml(
  rows: Iterable<JunitRow> | AsyncIterable<JunitRow>,
  path: string,
  opts: JunitOptions = {},
): Promise<JunitStats> {
  const built = await collect(rows, opts);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await pipeline(Readable.from(xmlChunks(built)), createWriteStream(tmp, { mode: 0o600 }));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return built.stats;
}

/** The same document as a string (tests, small runs). */
export async function renderJunitXml(rows: Iterable<JunitRow> | AsyncIterable<JunitRow>, opts: JunitOptions = {}): Promise<string> {
  const built = await collect(rows, opts);
  let out = '';
  for (const chunk of xmlChunks(built)) out += chunk;
  return out;
}

interface Built {
  name: string;
  groups: Group[];
  numbered: boolean;
  stats: JunitStats;
}

async function collect(rows: Iterable<JunitRow> | AsyncIterable<JunitRow>, opts: JunitOptions): Promise<Built> {
  const outputChars = opts.outputChars ?? 1000;
  const groups = new Map<string, Group>();
  /** Case id -> first appearance: testcases are listed in case order, then by repeat. */
  const caseOrder = new Map<string, number>();
  let name = opts.name;
  let numbered = false;
  for await (const row of rows) {
    name ??= row.suite;
    const effort = row.reasoning_effort ?? '';
    const key = `${row.provider}\u0000${row.model}\u0000${effort}`;
    let g = groups.get(key);
    if (!g) {
      g = { label: configLabel(row.provider, row.model, effort), provider: row.provider, model: row.model, effort, cases: new Map() };
      groups.set(key, g);
    }
    if (row.repeat > 1) numbered = true;
    if (!caseOrder.has(row.case_id)) caseOrder.set(row.case_id, caseOrder.size);
    const pair = `${row.case_id}\u0000${row.repeat}`;
    g.cases.delete(pair); // last wins
    g.cases.set(pair, testcase(row, outputChars));
  }
  const sorted = [...groups.values()].sort(compareGroups);
  for (const g of sorted) {
    const cases = [...g.cases].sort(([, a], [, b]) => caseOrder.get(a.caseId)! - caseOrder.get(b.caseId)! || a.repeat - b.repeat);
    g.cases = new Map(cases);
  }
  const stats: JunitStats = { suites: sorted.length, tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const g of sorted) {
    const t = tally(g);
    stats.tests += t.tests;
    stats.failures += t.failures;
    stats.errors += t.errors;
    stats.skipped += t.skipped;
  }
  return { name: name ?? 'evalbench', groups: sorted, numbered, stats };
}

function testcase(row: JunitRow, outputChars: number): Testcase {
  const base = { caseId: row.case_id, repeat: row.repeat, seconds: (row.latency_ms ?? 0) / 1000 };
  if (row.status === 'skipped') {
    const why = `skipped: ${row.error_type ?? 'unknown'}${row.error_message ? ` (${row.error_message})` : ''}`;
    return { ...base, kind: 'skipped', inner: `<skipped message="${escapeXmlAttr(clip(why, MESSAGE_CHARS))}"/>` };
  }
  if (row.status === 'error') {
    const type = row.error_type ?? 'unknown';
    const http = row.http_status !== null && row.http_status !== undefined ? ` (HTTP ${row.http_status})` : '';
    const msg = row.error_message ? `: ${row.error_message}` : '';
    const line = `${type}${http}${msg}`;
    const body = `${line}\nattempts: ${row.attempts}`;
    return {
      ...base,
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
      ...base,
      kind: 'failure',
      inner: `<failure message="${escapeXmlAttr(clip(message, MESSAGE_CHARS))}" type="assertion">${escapeXmlText(lines.join('\n'))}</failure>`,
    };
  }
  return { ...base, kind: 'pass', inner: '' };
}

function tally(g: Group): Omit<JunitStats, 'suites'> & { seconds: number } {
  const t = { tests: 0, failures: 0, errors: 0, skipped: 0, seconds: 0 };
  for (const c of g.cases.values()) {
    t.tests++;
    t.seconds += c.seconds;
    if (c.kind === 'failure') t.failures++;
    else if (c.kind === 'error') t.errors++;
    else if (c.kind === 'skipped') t.skipped++;
  }
  return t;
}

function* xmlChunks(b: Built): Generator<string> {
  let total = 0;
  for (const g of b.groups) total += tally(g).seconds;
  const s = b.stats;
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites name="${escapeXmlAttr(b.name)}" tests="${s.tests}" failures="${s.failures}" errors="${s.errors}" skipped="${s.skipped}" time="${secs(total)}">\n`;
  for (const g of b.groups) {
    const t = tally(g);
    const label = escapeXmlAttr(g.label);
    yield `  <testsuite name="${label}" tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}" time="${secs(t.seconds)}">\n`;
    yield '    <properties>\n';
    yield `      <property name="provider" value="${escapeXmlAttr(g.provider)}"/>\n`;
    yield `      <property name="model" value="${escapeXmlAttr(g.model)}"/>\n`;
    yield `      <property name="reasoning_effort" value="${escapeXmlAttr(g.effort)}"/>\n`;
    yield '    </properties>\n';
    for (const c of g.cases.values()) {
      const name = escapeXmlAttr(b.numbered ? `${c.caseId}#${c.repeat}` : c.caseId);
      const open = `    <testcase name="${name}" classname="${label}" time="${secs(c.seconds)}"`;
      yield c.inner === '' ? `${open}/>\n` : `${open}>\n      ${c.inner}\n    </testcase>\n`;
    }
    yield '  </testsuite>\n';
  }
  yield '</testsuites>\n';
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

const EFFORT_ORDER = ['', 'none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

function compareGroups(a: Group, b: Group): number {
  const ka = `${a.provider}:${a.model}`;
  const kb = `${b.provider}:${b.model}`;
  if (ka !== kb) return ka < kb ? -1 : 1;
  const ra = EFFORT_ORDER.indexOf(a.effort);
  const rb = EFFORT_ORDER.indexOf(b.effort);
  const d = (ra === -1 ? EFFORT_ORDER.length : ra) - (rb === -1 ? EFFORT_ORDER.length : rb);
  return d !== 0 ? d : a.effort < b.effort ? -1 : a.effort > b.effort ? 1 : 0;
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
