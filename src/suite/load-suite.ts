import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { SuiteError, type SuiteIssue } from '../errors/suite-error.ts';
import { applyImages, readImageFile, resolveImages } from './images.ts';
import { formatPath, type PathSegment } from './issue-path.ts';
import { rawSuiteJsonSchema } from './json-schema.ts';
import { JsonSchemaPath } from './json-schema-path.ts';
import { suiteSchema, type SuiteDocument } from './schema.ts';
import { checkSuiteData } from './suite-checks.ts';
import { checkAssertions, checkPricing } from './check-extensions.ts';
import { checkCases } from './dataset/expand-cases.ts';
import type { ParseSuiteOptions, Suite } from './types.ts';
import { YamlLocator } from './yaml-locate.ts';
import { explainYamlError } from './yaml-syntax-hint.ts';
import { aliasIssue, duplicateKeyIssues, suiteTextIssues } from './suite-limits.ts';
import { rememberSuiteSource } from './suite-position.ts';
import { explainZodIssues, KEEP_CUSTOM_MESSAGES, type RawIssue } from './zod-issues.ts';

/** Reads, parses and validates a suite file. Throws one SuiteError listing every problem found. */
export async function loadSuite(file: string, opts: ParseSuiteOptions = {}): Promise<Suite> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `suite file not found (looked for ${resolve(file)})`
        : code === 'EISDIR'
          ? 'is a directory, not a suite file'
          : `cannot read the suite file: ${(err as Error).message}`;
    throw new SuiteError([{ file, path: '', message }]);
  }
  return parseSuite(text, file, opts);
}

/**
 * Parses and validates suite text; `file` names it in errors and anchors relative paths.
 * Reads nothing but the local image files the suite names (through `opts.readImage`).
 */
export function parseSuite(text: string, file: string, opts: ParseSuiteOptions = {}): Suite {
  const abs = resolve(file);
  const dir = opts.dir ? resolve(opts.dir) : dirname(abs);
  const tooBig = suiteTextIssues(text, file);
  if (tooBig.length > 0) throw new SuiteError(tooBig);
  const lines = new LineCounter();
  // uniqueKeys off: the library's check is quadratic; duplicateKeyIssues does it in one pass.
  const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true, prettyErrors: false, merge: true, uniqueKeys: false });

  if (doc.errors.length > 0) {
    throw new SuiteError(
      doc.errors.map((e) => {
        const at = position(lines.linePos(e.pos[0]), e.pos[0]);
        return { file, ...at, path: '', message: explainYamlError(text, e, at.line, at.col) };
      }),
    );
  }
  const duplicates = duplicateKeyIssues(doc, lines, file);
  if (duplicates.length > 0) throw new SuiteError(duplicates);
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    // e.g. "Excessive alias count" (a billion-laughs document)
    throw new SuiteError([aliasIssue(doc, lines, file, (err as Error).message)]);
  }
  if (data === null || data === undefined) {
    throw new SuiteError([{ file, path: '', message: 'the suite is empty; it needs at least `name`, `models` and `cases`' }]);
  }

  const locator = new YamlLocator(doc, lines);
  const where = (path: PathSegment[]) => {
    const p = locator.locate(path);
    return `${file}:${p.line}:${p.col}`;
  };
  const raw: RawIssue[] = [];
  const parsed = suiteSchema.safeParse(data, KEEP_CUSTOM_MESSAGES);
  if (!parsed.success) raw.push(...explainZodIssues(parsed.error.issues, data, new JsonSchemaPath(rawSuiteJsonSchema())));
  raw.push(...checkSuiteData(data, where, { documentedModels: opts.checkDocumentedModels === true }));
  const { images, issues: imageIssues } = resolveImages(data, dir, opts.readImage ?? readImageFile);
  raw.push(...imageIssues);

  // One pass finds everything: assertions and prices are checked on the raw document
  // too when the schema failed, so a bad regex or a missing grader file is not held back behind a typo.
  raw.push(...checkAssertions(parsed.success ? parsed.data : lenientDocument(data), dir));
  // The schema already checks `pricing:` in the same pass; this adds the positions of the price rules.
  const priced = parsed.success ? checkPricing(parsed.data, file, locator) : [];
  if (raw.length > 0 || priced.length > 0 || !parsed.success) {
    throw new SuiteError([...toSuiteIssues(raw, file, locator), ...priced]);
  }
  const suite: Suite = { ...parsed.data, file: abs, dir };
  applyImages(suite, images);
  // Datasets are read after the suite itself is sound, so their row errors come on their own.
  const checked = checkCases({ ...suite, file }, (i) => `${where(['cases', i, 'id'])} cases[${i}]`);
  if (checked.issues.length > 0) throw new SuiteError(checked.issues);
  suite.caseCount = checked.caseCount;
  suite.entryRows = checked.entryRows;
  rememberSuiteSource(suite, text);
  return suite;
}

/**
 * The parts of a document that failed the schema which the assertion and price checks can still
 * read: assertion lists that are lists, models that are strings, a pricing map that is a map.
 */
function lenientDocument(data: unknown): SuiteDocument {
  const obj = (v: unknown): Record<string, unknown> | undefined =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v.map((x) => obj(x) ?? {}) : undefined);
  const d = obj(data) ?? {};
  const cases = Array.isArray(d.cases) ? d.cases.map((c) => ({ assert: list(obj(c)?.assert) })) : [];
  return {
    default_assert: list(d.default_assert),
    cases,
    models: Array.isArray(d.models) ? d.models.filter((m): m is string => typeof m === 'string') : [],
    grading: obj(d.grading),
    providers: obj(d.providers),
  } as unknown as SuiteDocument;
}

/** Gives each issue its file position; sorted by position, duplicates dropped. */
function toSuiteIssues(raw: RawIssue[], file: string, locator: YamlLocator): SuiteIssue[] {
  const seen = new Set<string>();
  const issues: SuiteIssue[] = [];
  for (const r of raw) {
    const path = formatPath(r.path);
    const key = `${path}\0${r.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pos = locator.locate(r.path, r.at ?? 'value');
    issues.push({ file, line: pos.line, col: pos.col, path, message: r.message });
  }
  // Array.prototype.sort is stable: same-position issues keep the order they were found in.
  return issues.sort((a, b) => a.line! - b.line! || a.col! - b.col!);
}

function position(p: { line: number; col: number }, offset: number): { line: number; col: number } {
  return p.line === 0 ? { line: 1, col: offset + 1 } : p;
}
