import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  assertPricedModels, checkPricedModels, loadPriceTable, mergePricing, parsePriceTable, priceFor, pricingFromMap,
  PriceFileError, DEFAULT_PRICES_FILE,
} from '../../src/cost/index.ts';
import { EXIT } from '../../src/errors/index.ts';

function expectPriceError(fn: () => unknown): PriceFileError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PriceFileError);
    const e = err as PriceFileError;
    expect(e.code).toBe('PRICES_INVALID');
    expect(e.exitCode).toBe(EXIT.badInput);
    return e;
  }
  throw new Error('expected a PriceFileError');
}

const header = 'version: 1\nas_of: "2025-08-15"\nsource: test\nmodels:\n';

describe('the shipped prices.yaml', () => {
  const table = loadPriceTable();

  it('is dated, sourced and holds the public OpenAI prices', () => {
    expect(table.asOf).toMatch(/^2025-\d\d-\d\d$/);
    expect(table.source).toMatch(/openai\.com\/api\/pricing/);
    expect(table.files).toEqual([DEFAULT_PRICES_FILE]);
    expect(priceFor(table, 'openai:gpt-4o')).toMatchObject({ input: 2.5, cachedInput: 1.25, output: 10, origin: 'shipped' });
    expect(priceFor(table, 'openai:gpt-4o-mini')).toMatchObject({ input: 0.15, cachedInput: 0.075, output: 0.6 });
    expect(priceFor(table, 'openai:gpt-4.1-nano')).toMatchObject({ input: 0.1, cachedInput: 0.025, output: 0.4 });
    expect(priceFor(table, 'openai:o4-mini')).toMatchObject({ input: 1.1, cachedInput: 0.275, output: 4.4 });
  });

  it('prices no Vigthoria or Vivgrid model (no public price to ship)', () => {
    for (const ref of ['vivgrid:managed', 'vigthoria:v2-code', 'vigthoria:v2-reasoning']) expect(priceFor(table, ref)).toBeUndefined();
  });

  it('prices every simulator model with a labelled illustrative fixture', () => {
    const p = priceFor(table, 'sim:fast');
    expect(p?.key).toBe('sim:*');
    expect(p?.note).toMatch(/illustrative/);
    expect(priceFor(table, 'sim:anything-else')).toBe(p);
  });

  it('has a line position for each key', () => {
    expect(table.entries['openai:gpt-4o'].where.line).toBeGreaterThan(1);
  });
});

describe('price file errors (exit 2, file:line:col)', () => {
  it('unknown field in a price names its position and the field it probably meant', () => {
    const text = header + '  "openai:gpt-4o":\n    input: 2.5\n    cahced_input: 1.25\n    output: 10\n';
    const e = expectPriceError(() => parsePriceTable(text, 'p.yaml'));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ file: 'p.yaml', line: 7, col: 5 });
    expect(e.message).toContain('p.yaml:7:5 models["openai:gpt-4o"].cahced_input: unknown field "cahced_input"; did you mean "cached_input"?');
  });

  it('unknown top-level field', () => {
    const e = expectPriceError(() => parsePriceTable('version: 1\nsoruce: x\nmodels: {}\n', 'p.yaml'));
    expect(e.message).toContain('p.yaml:2:1 soruce: unknown field "soruce"; did you mean "source"?');
  });

  it('negative price points at the value', () => {
    const text = header + '  "openai:gpt-4o": { input: 2.5, output: -10 }\n';
    const e = expectPriceError(() => parsePriceTable(text, 'p.yaml'));
    expect(e.issues[0]).toMatchObject({ line: 5, col: 42, path: 'models["openai:gpt-4o"].output' });
    expect(e.issues[0].message).toMatch(/cannot be negative/);
  });

  it('every problem is listed, not just the first', () => {
    const text = header + '  "a:b": { input: -1, output: 1 }\n  "c:d": { input: 1 }\n';
    const e = expectPriceError(() => parsePriceTable(text, 'p.yaml'));
    expect(e.issues.map((i) => i.path)).toEqual(['models["a:b"].input', 'models["c:d"].output']);
    expect(e.issues[1].message).toMatch(/missing required field/);
  });

  it('a key that is not provider:model, or a misplaced wildcard', () => {
    const text = header + '  gpt-4o: { input: 1, output: 1 }\n  "openai:gpt-*": { input: 1, output: 1 }\n';
    const e = expectPriceError(() => parsePriceTable(text, 'p.yaml'));
    expect(e.issues).toHaveLength(2);
    expect(e.issues[0]).toMatchObject({ line: 5, col: 3 });
    expect(e.issues[0].message).toMatch(/bad model key: .*provider:model/);
    expect(e.issues[1]).toMatchObject({ line: 6, col: 3 });
    expect(e.issues[1].message).toMatch(/provider:\*/);
  });

  it('a YAML error on a one-line file is still at line 1', () => {
    expect(expectPriceError(() => parsePriceTable('version: [', 'p.yaml')).issues[0]).toMatchObject({ line: 1, col: 11 });
  });

  it('YAML syntax errors carry their position', () => {
    const e = expectPriceError(() => parsePriceTable(header + '  "a:b": { input: 1, output: 1\n', 'p.yaml'));
    expect(e.issues[0].line).toBeGreaterThanOrEqual(5);
    expect(e.issues[0].message).toMatch(/^YAML:/);
  });

  it('a missing field and a field of the wrong type are told apart', () => {
    const e = expectPriceError(() => parsePriceTable('models: 3\n', 'p.yaml'));
    expect(e.issues.find((i) => i.path === 'version')?.message).toBe('missing required field');
    expect(e.issues.find((i) => i.path === 'models')?.message).toMatch(/expected record, received number/);
  });

  it('unsupported version, bad date, empty file, missing file', () => {
    expect(expectPriceError(() => parsePriceTable('version: 2\nmodels: {}\n', 'p.yaml')).message).toMatch(/p\.yaml:1:10 version: unsupported/);
    expect(expectPriceError(() => parsePriceTable('version: 1\nas_of: 15/08/2025\nmodels: {}\n', 'p.yaml')).message).toMatch(/as_of: a date/);
    expect(expectPriceError(() => parsePriceTable('', 'p.yaml')).message).toMatch(/empty/);
    expect(expectPriceError(() => loadPriceTable(join(tmpdir(), 'evalbench-no-such-prices.yaml'))).message).toMatch(/no such file/);
  });

  it('a duplicate key is an error, not a silent overwrite', () => {
    const text = header + '  "a:b": { input: 1, output: 1 }\n  "a:b": { input: 2, output: 2 }\n';
    expectPriceError(() => parsePriceTable(text, 'p.yaml'));
  });
});

describe('overrides', () => {
  const shipped = loadPriceTable();

  it('a --prices file then a suite pricing map win over the shipped table, per key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evalbench-prices-'));
    const file = join(dir, 'prices.yaml');
    writeFileSync(file, header + '  "openai:gpt-4o": { input: 5, output: 15 }\n  "vivgrid:managed": { input: 1, output: 2 }\n');
    const fromFile = loadPriceTable(file);
    const fromSuite = pricingFromMap({ 'vivgrid:managed': { input: 1.25, cached_input: 0.125, output: 10 } }, 'suite.yaml');
    const merged = mergePricing(shipped, fromFile, fromSuite);

    // --prices: no cached_input -> cached tokens billed as input
    expect(priceFor(merged, 'openai:gpt-4o')).toMatchObject({ input: 5, cachedInput: 5, output: 15, origin: 'file' });
    expect(priceFor(merged, 'vivgrid:managed')).toMatchObject({ input: 1.25, cachedInput: 0.125, output: 10, origin: 'suite' });
    expect(priceFor(merged, 'openai:gpt-4o-mini')?.origin).toBe('shipped');
    expect(merged.files).toEqual([DEFAULT_PRICES_FILE, file, 'suite.yaml']);
    // the inputs are not mutated
    expect(priceFor(shipped, 'openai:gpt-4o')?.input).toBe(2.5);
    expect(priceFor(shipped, 'vivgrid:managed')).toBeUndefined();
  });

  it('an exact key wins over provider:*', () => {
    const t = mergePricing(shipped, pricingFromMap({ 'sim:slow': { input: 9, output: 9 } }, 's.yaml'));
    expect(priceFor(t, 'sim:slow')?.input).toBe(9);
    expect(priceFor(t, 'sim:fast')?.key).toBe('sim:*');
  });

  it('an invalid suite pricing map is rejected with the positions its locator gives', () => {
    const e = expectPriceError(() =>
      pricingFromMap({ 'vivgrid:managed': { input: 1, ouput: 2 } }, 'suite.yaml', (path) => ({ file: 'suite.yaml', line: 10 + path.length, col: 3 })),
    );
    const unknown = e.issues.find((i) => i.message.startsWith('unknown field'));
    expect(unknown).toMatchObject({ file: 'suite.yaml', line: 12, path: 'pricing["vivgrid:managed"].ouput' });
    expect(unknown?.message).toContain('did you mean "output"?');
  });
});

describe('model typo check', () => {
  const shipped = loadPriceTable();

  it('a suite key one edit away from a model in the run is an error with did-you-mean', () => {
    const t = mergePricing(shipped, pricingFromMap({ 'vivgrid:manged': { input: 1, output: 2 } }, 'suite.yaml', () => ({ file: 'suite.yaml', line: 7, col: 3 })));
    const issues = checkPricedModels(t, ['vivgrid:managed', 'sim:fast']);
    expect(issues).toEqual([expect.objectContaining({ key: 'vivgrid:manged', suggestion: 'vivgrid:managed' })]);
    const e = expectPriceError(() => assertPricedModels(t, ['vivgrid:managed', 'sim:fast']));
    expect(e.message).toContain('suite.yaml:7:3 pricing["vivgrid:manged"]: "vivgrid:manged" prices no model in this run; did you mean "vivgrid:managed"?');
  });

  it('a --prices file key is checked too, pointing at its line', () => {
    const file = parsePriceTable(header + '  "openai:gpt-4o": { input: 1, output: 1 }\n  "vivgrid:manage": { input: 1, output: 1 }\n', 'mine.yaml');
    const e = expectPriceError(() => assertPricedModels(mergePricing(shipped, file), ['vivgrid:managed']));
    expect(e.issues).toEqual([expect.objectContaining({ file: 'mine.yaml', line: 6, col: 3, path: 'models["vivgrid:manage"]' })]);
  });

  it('case differences count as typos (lookups are exact)', () => {
    const t = mergePricing(shipped, pricingFromMap({ 'Vivgrid:Managed': { input: 1, output: 2 } }, 's.yaml'));
    expect(checkPricedModels(t, ['vivgrid:managed'])[0]?.suggestion).toBe('vivgrid:managed');
  });

  it('the shipped table is silent, though it lists models near the run\'s', () => {
    // gpt-4o and gpt-4.1 are two edits apart; neither is in this run of gpt-4o1
    expect(checkPricedModels(shipped, ['openai:gpt-4o1', 'openai:gpt-4.2'])).toEqual([]);
    expect(() => assertPricedModels(shipped, ['openai:gpt-4o1'])).not.toThrow();
  });

  it('no issue for a key far from every model, a wildcard, or a near model the user priced too', () => {
    const t = mergePricing(
      shipped,
      pricingFromMap({
        'openai:gpt-4o': { input: 1, output: 1 }, // 2 edits from gpt-4.1, which is priced below
        'openai:gpt-4.1': { input: 1, output: 1 },
        'other:thing': { input: 1, output: 1 },
        'sim:*': { input: 0, output: 0 },
      }, 's.yaml'),
    );
    expect(checkPricedModels(t, ['openai:gpt-4.1', 'sim:fast', 'vivgrid:managed'])).toEqual([]);
  });
});
