import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { LineCounter, parseDocument } from 'yaml';
import type { SourcePosition, SuiteIssue } from '../errors/suite-error.ts';
import { didYouMean, levenshtein } from '../suite/did-you-mean.ts';
import { formatPath, type PathSegment } from '../suite/issue-path.ts';
import { YamlLocator } from '../suite/yaml-locate.ts';
import { PriceFileError } from './price-file-error.ts';
import { modelPriceSchema, priceFileSchema, pricingMapSchema, type PricingMap } from './price-schema.ts';

/**
 * Price tables: USD per 1M tokens per `provider:model`.
 *
 * Sources, later ones winning per key: the shipped `prices.yaml` (repo root), a `--prices FILE`,
 * and a suite's `pricing:` map. A key is either an exact model reference or `provider:*`
 * (every model of that provider; an exact key wins over it). There is no other matching: dated
 * snapshots (gpt-4o-2024-05-13) can be priced differently from their alias, so they are never
 * folded onto it.
 */

/** Where a price came from: decides whether a key that names no model in the run is an error. */
export type PriceOrigin = 'shipped' | 'file' | 'suite';

/** One model's prices, resolved (cached_input defaulted), USD per 1M tokens. */
export interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
  /** Set only when reasoning tokens are billed apart from output. */
  reasoning?: number;
  note?: string;
}

export interface PriceEntry extends ModelPrice {
  key: string;
  origin: PriceOrigin;
  /** Position of the key in its file (line/col when known). */
  where: SourcePosition;
}

export interface PriceTable {
  /** Keyed by `provider:model` or `provider:*`. */
  entries: Record<string, PriceEntry>;
  /** Of the base table (the shipped file unless replaced). */
  asOf?: string;
  source?: string;
  /** Every file that contributed, in merge order. */
  files: string[];
}

/** The shipped price file, found next to the package root whatever the working directory. */
export const DEFAULT_PRICES_FILE = fileURLToPath(new URL('../../prices.yaml', import.meta.url));

type Path = PathSegment[];

/**
 * Reads and validates a price file. Without `file`, the shipped prices.yaml (origin 'shipped');
 * with one, origin 'file'. Throws PriceFileError (code PRICES_INVALID, exit 2) listing every
 * problem with file:line:col.
 */
export function loadPriceTable(file?: string): PriceTable {
  const path = file ?? DEFAULT_PRICES_FILE;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new PriceFileError([{ file: path, path: '', message: `cannot read the price file: ${reason}` }]);
  }
  return parsePriceTable(text, path, file === undefined ? 'shipped' : 'file');
}

/** Parses price-file text; `file` only names it in errors. */
export function parsePriceTable(text: string, file: string, origin: PriceOrigin = 'file'): PriceTable {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new PriceFileError(
      doc.errors.map((e) => {
        const lp = lineCounter.linePos(e.pos[0]);
        // line 0: no newline seen before the offset (single-line input)
        const pos = lp.line === 0 ? { line: 1, col: e.pos[0] + 1 } : lp;
        return { file, ...pos, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new PriceFileError([{ file, path: '', message: 'the price file is empty: expected `version`, `as_of`, `source` and `models`' }]);
  }
  const locator = new YamlLocator(doc, lineCounter);
  const locate = (path: Path, atKey: boolean): SourcePosition => ({ file, ...locator.locate(path, atKey ? 'key' : 'value') });
  const parsed = priceFileSchema.safeParse(data);
  if (!parsed.success) throw new PriceFileError(zodIssues(data, parsed.error.issues, locate, []));
  const f = parsed.data;
  return {
    entries: toEntries(f.models, origin, (key) => locate(['models', key], true)),
    asOf: f.as_of,
    source: f.source,
    files: [file],
  };
}

/**
 * A suite's `pricing:` map as a table (origin 'suite'). `locate` maps a path inside the map to
 * a source position (the suite loader's own), so errors point at the suite file.
 */
export function pricingFromMap(
  map: unknown,
  file: string,
  locate?: (path: Path, atKey: boolean) => SourcePosition | undefined,
): PriceTable {
  const at = (p: Path, atKey: boolean): SourcePosition => locate?.(p, atKey) ?? { file };
  const parsed = pricingMapSchema.safeParse(map);
  if (!parsed.success) throw new PriceFileError(zodIssues(map, parsed.error.issues, at, ['pricing']));
  return { entries: toEntries(parsed.data, 'suite', (key) => at([key], true)), files: [file] };
}

/** Later tables win per key; `asOf`/`source` stay those of the base. Returns a new table. */
export function mergePricing(base: PriceTable, ...overrides: PriceTable[]): PriceTable {
  const entries: Record<string, PriceEntry> = { ...base.entries };
  const files = [...base.files];
  for (const o of overrides) {
    Object.assign(entries, o.entries);
    files.push(...o.files);
  }
  return { entries, asOf: base.asOf, source: base.source, files };
}

/** The price of a model reference: the exact key, else `provider:*`, else undefined (unpriced). */
export function priceFor(table: PriceTable, modelRef: string): PriceEntry | undefined {
  const exact = table.entries[modelRef];
  if (exact) return exact;
  const colon = modelRef.indexOf(':');
  return colon > 0 ? table.entries[`${modelRef.slice(0, colon)}:*`] : undefined;
}

export interface PricingKeyIssue {
  key: string;
  /** The run's model the key most likely meant. */
  suggestion: string;
  where: SourcePosition;
  message: string;
}

/**
 * The "model typo" check. A price key from a suite or a `--prices` file that names no model in
 * the run but is within edit distance 2 (case-insensitive) of one that has no price of its own
 * from those sources is almost surely a typo: the model would silently go unpriced.
 * Keys of the shipped table are never reported (it lists many models a run does not use, and
 * gpt-4o / gpt-4.1 are themselves 2 edits apart); neither are `provider:*` keys.
 * Callers turn the issues into an error (exit 2) with `assertPricedModels`.
 */
export function checkPricedModels(table: PriceTable, modelRefs: readonly string[]): PricingKeyIssue[] {
  const inRun = new Set(modelRefs);
  const userKeys = Object.values(table.entries).filter((e) => e.origin !== 'shipped');
  const userPriced = new Set(userKeys.map((e) => e.key));
  const candidates = [...inRun].filter((m) => !userPriced.has(m));
  const issues: PricingKeyIssue[] = [];
  for (const e of userKeys) {
    if (inRun.has(e.key) || e.key.endsWith(':*')) continue;
    const near = nearestWithin(e.key, candidates, 2);
    if (near === undefined) continue;
    issues.push({
      key: e.key,
      suggestion: near,
      where: e.where,
      message: `"${e.key}" prices no model in this run; did you mean "${near}"? (${near} would be left unpriced)`,
    });
  }
  return issues;
}

/** Throws PriceFileError when `checkPricedModels` finds a likely typo. */
export function assertPricedModels(table: PriceTable, modelRefs: readonly string[]): void {
  const issues = checkPricedModels(table, modelRefs);
  if (issues.length > 0) {
    const entries = table.entries;
    throw new PriceFileError(
      issues.map((i) => ({
        ...i.where,
        path: formatPath([entries[i.key].origin === 'suite' ? 'pricing' : 'models', i.key]),
        message: i.message,
      })),
    );
  }
}

function toEntries(
  models: PricingMap,
  origin: PriceOrigin,
  where: (key: string) => SourcePosition,
): Record<string, PriceEntry> {
  const out: Record<string, PriceEntry> = {};
  for (const [key, p] of Object.entries(models)) {
    out[key] = {
      key,
      origin,
      where: where(key),
      input: p.input,
      cachedInput: p.cached_input ?? p.input,
      output: p.output,
      ...(p.reasoning !== undefined ? { reasoning: p.reasoning } : {}),
      ...(p.note !== undefined ? { note: p.note } : {}),
    };
  }
  return out;
}

/** Known fields of the object at `path` inside a price file (or a pricing map when prefixed). */
function knownFields(path: Path): string[] {
  return path.length === 0 ? Object.keys(priceFileSchema.shape) : Object.keys(modelPriceSchema.shape);
}

function zodIssues(
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  locate: (path: Path, atKey: boolean) => SourcePosition,
  displayPrefix: Path,
): SuiteIssue[] {
  const out: SuiteIssue[] = [];
  for (const issue of issues) {
    const path = issue.path as Path;
    // A pricing map seen alone has its price objects one level up from a file's `models.X`.
    const fileRelative = displayPrefix.length > 0 ? ['models', ...path] : path;
    if (issue.code === 'unrecognized_keys') {
      const known = knownFields(fileRelative);
      for (const key of issue.keys) {
        const hint = didYouMean(key, known);
        out.push({
          ...locate([...path, key], true),
          path: formatPath([...displayPrefix, ...path, key]),
          message: `unknown field "${key}"` + (hint ? `; did you mean "${hint}"?` : `; known fields: ${known.join(', ')}`),
        });
      }
      continue;
    }
    if (issue.code === 'invalid_key') {
      const inner = issue.issues[0]?.message ?? issue.message;
      out.push({ ...locate(path, true), path: formatPath([...displayPrefix, ...path]), message: `bad model key: ${inner}` });
      continue;
    }
    const missing = valueAt(data, path) === undefined;
    const message = !missing
      ? issue.message
      : issue.code === 'invalid_type' ? `missing required field (${issue.expected})` : 'missing required field';
    out.push({ ...locate(path, false), path: formatPath([...displayPrefix, ...path]), message });
  }
  return out;
}

/** The closest candidate within `max` edits (case-insensitive; ties: first in order). */
function nearestWithin(word: string, candidates: readonly string[], max: number): string | undefined {
  let best: string | undefined;
  let bestD = max + 1;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathSegment, unknown>)[seg];
  }
  return v;
}
