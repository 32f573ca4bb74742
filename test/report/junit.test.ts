import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonlRows } from '../../src/results/jsonl-sink.ts';
import { escapeXmlAttr, escapeXmlText, renderJunitXml, writeJunitXml } from '../../src/report/junit.ts';
import type { ResultRow } from '../../src/results/result-row.ts';
import { makeRow } from './make-row.ts';
import { seededRandom } from '../../src/grade/statistics/seeded-random.ts';

const root = mkdtempSync(join(tmpdir(), 'evalbench-junit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// --- a small strict XML 1.0 reader: enough to prove the document well-formed and read it back ---

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const NAME_START = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === ':';
const NAME_CHAR = (c: string) => NAME_START(c) || (c >= '0' && c <= '9') || c === '-' || c === '.';

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Parses a document or throws naming the offset. Attribute values get XML's normalisation (raw tab/LF/CR -> space). */
function parseXml(doc: string): XmlNode {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`XML error at ${i}: ${why} near ${JSON.stringify(doc.slice(i, i + 30))}`);
  };
  for (const ch of doc) {
    const cp = ch.codePointAt(0)!;
    if (!isXmlChar(cp)) fail(`character U+${cp.toString(16)} not allowed in XML 1.0`);
  }
  const ws = () => {
    while (i < doc.length && ' \t\r\n'.includes(doc[i])) i++;
  };
  const name = () => {
    if (!NAME_START(doc[i] ?? '')) fail('expected a name');
    const start = i;
    while (i < doc.length && NAME_CHAR(doc[i])) i++;
    return doc.slice(start, i);
  };
  const entity = (): string => {
    const end = doc.indexOf(';', i);
    if (end === -1 || end - i > 10) fail('unterminated entity');
    const body = doc.slice(i + 1, end);
    i = end + 1;
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (body in named) return named[body];
    const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(body);
    if (!m) return fail(`unknown entity &${body};`);
    const cp = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (!isXmlChar(cp)) fail(`character reference to U+${cp.toString(16)}`);
    return String.fromCodePoint(cp);
  };
  const element = (): XmlNode => {
    if (doc[i] !== '<') fail('expected <');
    i++;
    const node: XmlNode = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      ws();
      if (doc.startsWith('/>', i)) {
        i += 2;
        return node;
      }
      if (doc[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected whitespace before an attribute');
      const attr = name();
      if (attr in node.attrs) fail(`duplicate attribute ${attr}`);
      ws();
      if (doc[i] !== '=') fail('expected =');
      i++;
      ws();
      const quote = doc[i];
      if (quote !== '"' && quote !== "'") fail('attribute value not quoted');
      i++;
      let value = '';
      while (doc[i] !== quote) {
        if (i >= doc.length) fail('unterminated attribute');
        if (doc[i] === '<') fail('raw < in attribute');
        if (doc[i] === '&') value += entity();
        else {
          value += '\t\n\r'.includes(doc[i]) ? ' ' : doc[i];
          i++;
        }
      }
      i++;
      node.attrs[attr] = value;
    }
    for (;;) {
      if (i >= doc.length) fail(`unclosed <${node.name}>`);
      if (doc.startsWith('</', i)) {
        i += 2;
        const closing = name();
        if (closing !== node.name) fail(`</${closing}> closes <${node.name}>`);
        ws();
        if (doc[i] !== '>') fail('expected >');
        i++;
        return node;
      }
      if (doc[i] === '<') node.children.push(element());
      else if (doc[i] === '&') node.text += entity();
      else {
        if (doc.startsWith(']]>', i)) fail(']]> in text');
        node.text += doc[i] === '\r' ? '\n' : doc[i];
        i++;
      }
    }
  };
  if (doc.startsWith('<?xml')) {
    const end = doc.indexOf('?>');
    if (end === -1) fail('unterminated declaration');
    i = end + 2;
  }
  ws();
  const rootNode = element();
  ws();
  if (i !== doc.length) fail('content after the root element');
  return rootNode;
}

const kids = (n: XmlNode, name: string) => n.children.filter((c) => c.name === name);

function rows(): ResultRow[] {
  return [
    makeRow({ job_id: 'a1', suite: 'demo <&>', case_id: 'math', repeat: 1, latency_ms: 1500, passed: true, score: 1 }),
    makeRow({
      job_id: 'a2', suite: 'demo <&>', case_id: 'quote', repeat: 1, latency_ms: 250, passed: false, score: 0.25,
      reasons: ['expected output to contain "Paris" & <Tokyo>', 'line one\nline two'], output: 'It is Lyon ]]> <b>',
    }),
    makeRow({
      job_id: 'a3', suite: 'demo <&>', case_id: 'slow', repeat: 1, status: 'error', error_type: 'timeout', http_status: null,
      attempts: 3, latency_ms: 30000, error_message: 'no answer within 30000 ms', passed: null,
    }),
    makeRow({
      job_id: 'b1', suite: 'demo <&>', case_id: 'math', repeat: 1, provider: 'vivgrid', model: 'managed', reasoning_effort: 'high',
      status: 'error', error_type: 'rate_limited', http_status: 429, error_message: 'Too Many Requests', latency_ms: 12,
    }),
    makeRow({
      job_id: 'b2', suite: 'demo <&>', case_id: 'quote', repeat: 1, provider: 'vivgrid', model: 'managed', reasoning_effort: 'high',
      status: 'skipped', error_type: 'budget', latency_ms: null, attempts: 0, error_message: 'budget of $0.50 reached',
    }),
    makeRow({
      job_id: 'b3', suite: 'demo <&>', case_id: 'math', repeat: 1, provider: 'vivgrid', model: 'managed', reasoning_effort: 'low',
      latency_ms: 400, passed: false, score: 0.4, reasons: [], output: 'x'.repeat(50),
    }),
  ];
}

describe('writeJunitXml', () => {
  it('writes a well-formed document: a testsuite per model x effort, a testcase per case', async () => {
    const path = join(root, 'junit.xml');
    const stats = await writeJunitXml(rows(), path);
    expect(stats).toEqual({ suites: 3, tests: 6, failures: 2, errors: 2, skipped: 1 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const doc = parseXml(readFileSync(path, 'utf8'));

    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toMatchObject({ name: 'demo <&>', tests: '6', failures: '2', errors: '2', skipped: '1', time: '32.162' });
    const suites = kids(doc, 'testsuite');
    // Sorted like the summary: by model reference, then effort order (low before high).
    expect(suites.map((s) => s.attrs.name)).toEqual(['sim:fast', 'vivgrid:managed [low]', 'vivgrid:managed [high]']);
    expect(suites[0].attrs).toMatchObject({ tests: '3', failures: '1', errors: '1', skipped: '0', time: '31.750' });
    const props = kids(kids(suites[2], 'properties')[0], 'property').map((p) => [p.attrs.name, p.attrs.value]);
    expect(props).toEqual([['provider', 'vivgrid'], ['model', 'managed'], ['reasoning_effort', 'high']]);

    const [math, quote, slow] = kids(suites[0], 'testcase');
    expect(math.attrs).toEqual({ name: 'math', classname: 'sim:fast', time: '1.500' });
    expect(math.children).toEqual([]);

    const failure = kids(quote, 'failure')[0];
    expect(failure.attrs.type).toBe('assertion');
    // Attribute line breaks survive as character references (a raw one would read back as a space).
    expect(failure.attrs.message).toBe('expected output to contain "Paris" & <Tokyo>; line one\nline two');
    expect(failure.text).toBe('- expected output to contain "Paris" & <Tokyo>\n- line one\nline two\nscore 0.25\n\noutput:\nIt is Lyon ]]> <b>');

    const error = kids(slow, 'error')[0];
    expect(error.attrs).toEqual({ message: 'timeout: no answer within 30000 ms', type: 'timeout' });
    expect(error.text).toBe('timeout: no answer within 30000 ms\nattempts: 3');

    const [limited, skipped] = kids(suites[2], 'testcase');
    expect(kids(limited, 'error')[0].attrs.message).toBe('rate_limited (HTTP 429): Too Many Requests');
    expect(kids(skipped, 'skipped')[0].attrs).toEqual({ message: 'skipped: budget (budget of $0.50 reached)' });
    expect(skipped.attrs.time).toBe('0.000');

    // A graded failure without reasons still says why.
    const low = kids(kids(suites[1], 'testcase')[0], 'failure')[0];
    expect(low.attrs.message).toBe('assertions failed (score 0.4)');
    expect(low.text).toBe(`assertions failed (score 0.4)\n\noutput:\n${'x'.repeat(50)}`);
  });

  it('streams rows from results.jsonl, names repeats case#n in case order, and keeps the last of duplicate rows', async () => {
    const jsonl = join(root, 'repeats.jsonl');
    const list = [
      makeRow({ job_id: 'r2', case_id: 'c', repeat: 2, status: 'error', error_type: 'server_error', http_status: 500 }),
      makeRow({ job_id: 'd1', case_id: 'd', repeat: 1, passed: true }),
      makeRow({ job_id: 'r1', case_id: 'c', repeat: 1, passed: true }),
      makeRow({ job_id: 'r2', case_id: 'c', repeat: 2, passed: true }), // resumed: the retry succeeded
    ];
    writeFileSync(jsonl, list.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const path = join(root, 'repeats.xml');
    const stats = await writeJunitXml(readJsonlRows(jsonl), path, { name: 'named' });
    expect(stats).toEqual({ suites: 1, tests: 3, failures: 0, errors: 0, skipped: 0 });
    const doc = parseXml(readFileSync(path, 'utf8'));
    expect(doc.attrs.name).toBe('named');
    expect(kids(kids(doc, 'testsuite')[0], 'testcase').map((t) => [t.attrs.name, t.children.length])).toEqual([['c#1', 0], ['c#2', 0], ['d#1', 0]]);
  });

  it('writes the same document when its testcases spill to disk (a large run), and leaves no temporary files', async () => {
    // Many configurations, cases, repeats and duplicate rows (last wins), in a shuffled order.
    const rand = seededRandom(5);
    const list: ResultRow[] = [...rows()];
    for (let i = 0; i < 400; i++) {
      const effort = ['', 'low', 'high'][Math.floor(rand() * 3)];
      const kind = rand();
      list.push(makeRow({
        job_id: `j${i}`, case_id: `case-${Math.floor(rand() * 7)}`, repeat: 1 + Math.floor(rand() * 5),
        provider: rand() < 0.5 ? 'sim' : 'vivgrid', model: rand() < 0.5 ? 'fast' : 'managed', reasoning_effort: effort,
        latency_ms: Math.round(rand() * 5e6) / 1000,
        ...(kind < 0.2
          ? { status: 'error', error_type: 'timeout', error_message: `late ${i}` }
          : kind < 0.5 ? { passed: false, score: 0.5, reasons: [`wrong ${i} <&>`], output: `answer ${i}` } : { passed: true }),
      }));
    }
    const inMemory = await renderJunitXml(list);
    const dir = mkdtempSync(join(root, 'spill-'));
    const path = join(dir, 'junit.xml');
    // 3 testcases in memory at once: ~135 sorted runs, merged in more than one round.
    const stats = await writeJunitXml(list, path, { sort: { maxRecords: 3 } });
    expect(readFileSync(path, 'utf8')).toBe(inMemory);
    expect(stats.tests).toBe(kids(parseXml(inMemory), 'testsuite').reduce((n, s) => n + kids(s, 'testcase').length, 0));
    expect(stats.tests).toBeLessThan(list.length); // duplicates were collapsed, so the check above means something
    expect(readdirSync(dir)).toEqual(['junit.xml']);
  });

  it('cuts long answers and keeps invalid XML characters out', async () => {
    const output = `start\u0000\u0007\uFFFF\uD800 end ${'y'.repeat(3000)}`;
    const xml = await renderJunitXml([makeRow({ passed: false, reasons: ['bad\u001b[31m'], output })], { outputChars: 20 });
    const doc = parseXml(xml);
    const failure = kids(kids(kids(doc, 'testsuite')[0], 'testcase')[0], 'failure')[0];
    expect(failure.attrs.message).toBe('bad\uFFFD[31m');
    // 20 characters kept (the four invalid ones count as one each), then how much was cut.
    expect(failure.text.endsWith('output:\nstart\uFFFD\uFFFD\uFFFD\uFFFD end yyyyyy… [2994 more characters]')).toBe(true);
    expect(failure.text.length).toBeLessThan(200);
    expect(await renderJunitXml([makeRow({ passed: false, output: 'secret answer' })], { outputChars: 0 })).not.toContain('secret answer');
  });

  it('writes an empty but valid document for no rows', async () => {
    const doc = parseXml(await renderJunitXml([]));
    expect(doc).toMatchObject({ name: 'testsuites', attrs: { name: 'evalbench', tests: '0' }, children: [] });
  });
});

describe('escapeXmlText / escapeXmlAttr', () => {
  it('round-trip any string through a parser (invalid characters become U+FFFD)', () => {
    // Any UTF-16 code units: controls, lone surrogates, U+FFFE/U+FFFF included.
    const utf16 = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((units) => String.fromCharCode(...units));
    const clean = (s: string) => s.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    fc.assert(
      fc.property(utf16, fc.string({ unit: fc.constantFrom('<', '>', '&', '"', "'", '\r', '\n', '\t', ']', 'a', '\u0001', '\uD83D', '\uDE00'), maxLength: 30 }), (a, b) => {
        for (const s of [a, b]) {
          const doc = parseXml(`<r v="${escapeXmlAttr(s)}">${escapeXmlText(s)}</r>`);
          expect(doc.attrs.v).toBe(clean(s));
          expect(doc.text).toBe(clean(s));
        }
      }),
      { numRuns: 300 },
    );
  });
});
