// Bad input never crashes: random and mutated suites through the loader (parseSuite + planJobs,
// what `validate` does) either load or raise an EvalbenchError with a message; random bad flag
// values and mutated suite files through the real CLI exit 2 with a message and no stack trace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSuite } from '../../src/suite/load-suite.ts';
import { planJobs } from '../../src/plan/index.ts';
import { EvalbenchError } from '../../src/errors/index.ts';
import { EFFORTS } from '../../src/suite/schema.ts';
import { runCli } from '../helpers/run-cli.ts';


/** A valid suite using most of the format: the seed of every mutation. */
const BASE = `name: prop-base
description: the seed of the mutations
providers:
  local:
    type: openai-compatible
    base_url: http://127.0.0.1:8000/v1
    api_key_env: LOCAL_KEY
    concurrency: 2
    headers: { x-team: evals }
models: [sim:fast, "local:llama3:8b"]
reasoning_effort: [low, high]
defaults:
  system: Be brief.
  max_completion_tokens: 64
  temperature: 0.2
  stop: ["\\n\\n"]
default_assert:
  - { type: contains, value: a }
pricing:
  "local:llama3:8b": { input: 0.1, output: 0.2 }
repeats: 2
concurrency: 4
retry: { max_retries: 1, base_delay_ms: 10, max_delay_ms: 100 }
timeout_ms: 5000
cases:
  - id: one
    prompt: What is {{x}} + 1?
    vars: { x: 2 }
    tags: [math]
    assert:
      - { type: equals, value: "3" }
      - { type: regex, value: "^\\\\d+$", weight: 2 }
    threshold: 0.5
  - id: two
    messages:
      - { role: system, content: You answer in JSON. }
      - role: user
        content:
          - { type: text, text: 'Return {"a": 1}' }
    assert:
      - { type: is-json }
  - &third
    id: three
    prompt: |
      multi
      line
    temperature: 1
`;

/** No file is ever read: image paths in random suites must not touch the disk. */
const noFiles = (p: string): Uint8Array => {
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
};

/** The property: loads, or fails as bad input with a message. Anything else is a crash. */
function loadOrExplain(text: string): 'ok' | 'rejected' {
  try {
    const suite = parseSuite(text, 'prop.yaml', { dir: os.tmpdir(), readImage: noFiles });
    planJobs(suite);
    return 'ok';
  } catch (e) {
    if (!(e instanceof EvalbenchError)) {
      throw new Error(`crash: ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}\n--- input ---\n${text}`);
    }
    expect(e.message.trim(), text).not.toBe('');
    expect(e.exitCode).toBe(2);
    expect(e.message).not.toMatch(/^\s+at /m);
    return 'rejected';
  }
}

// YAML's sharp edges and the suite's own words.
const TOKENS = [
  ':', ': ', '- ', '-', '{', '}', '[', ']', ',', '"', "'", '\n', '\n  ', '  ', '\t', '#', '|', '>', '&a ', '*a', '*third',
  '<<: *a\n', '<<: *third\n', '!!binary ', '!!str ', '!!int ', '!!float ', '!!set ', '!!js/function ', '!custom ', '? ', '---\n', '...\n',
  '%YAML 1.1\n', 'null', '~', '-1', '0', '1e999', '.nan', '.inf', '0x10', '0o17', 'true', 'yes', '""', '{{', '}}', '{{x}}',
  '\u0000', '\uFEFF', '\u2028', '😀', '\\', 'id', 'name', 'cases', 'models', 'prompt', 'messages', 'type', 'value',
  'sim:fast', 'http://', 'file:///etc/passwd', '__proto__', 'constructor', 'prototype', 'toString',
];

type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'dupLine' | 'dropLine'; at: number }
  | { kind: 'swapLines'; at: number; other: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8, unit: 'binary' })) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constantFrom('dupLine' as const, 'dropLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swapLines' as const), at: fc.nat(), other: fc.nat() }),
);

function applyEdits(text: string, edits: Edit[]): string {
  let t = text;
  for (const e of edits) {
    if (e.kind === 'insert' || e.kind === 'delete') {
      const at = e.at % (t.length + 1);
      t = e.kind === 'insert' ? t.slice(0, at) + e.text + t.slice(at) : t.slice(0, at) + t.slice(at + e.len);
      continue;
    }
    const lines = t.split('\n');
    const i = e.at % lines.length;
    if (e.kind === 'dupLine') lines.splice(i, 0, lines[i]);
    else if (e.kind === 'dropLine') lines.splice(i, 1);
    else if (e.kind === 'swapLines') {
      const j = e.other % lines.length;
      [lines[i], lines[j]] = [lines[j], lines[i]];
    }
    t = lines.join('\n');
  }
  return t;
}

/** Every path into a plain JSON tree (objects and arrays), root excluded. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [];
  const out: (string | number)[][] = [];
  for (const [k, child] of Object.entries(v)) {
    const p = [...prefix, Array.isArray(v) ? Number(k) : k];
    out.push(p, ...paths(child, p));
  }
  return out;
}

const baseDoc = parseYaml(BASE.replace('  - &third\n', '  -\n')) as Record<string, unknown>;
const basePaths = paths(baseDoc);

/** The base suite with one value replaced by a random JSON value, or one key added or removed. */
const structuredArb = fc
  .record({
    path: fc.constantFrom(...basePaths),
    op: fc.constantFrom('replace', 'remove', 'addKey'),
    key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'id', 'prompt', 'type', 'url', 'base_url'), fc.string({ maxLength: 6 })),
    value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(-1, 0, 1e308, -0.5, '', ' ', 'sim:', ':x', '{{y}}', [], {})),
  })
  .map(({ path: p, op, key, value }) => {
    const doc = structuredClone(baseDoc);
    let parent: Record<string | number, unknown> = doc;
    for (const seg of p.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
    const last = p.at(-1)!;
    if (op === 'replace') parent[last] = value;
    else if (op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      const target = parent[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
      else parent[last] = { [key]: value };
    }
    return toYaml(doc);
  });

describe('the suite loader never crashes on bad input', () => {
  it('the base suite itself loads (so mutations start from something valid)', () => {
    expect(loadOrExplain(BASE)).toBe('ok');
    expect(loadOrExplain(toYaml(baseDoc))).toBe('ok');
  });

  it('random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (t) => void loadOrExplain(t)), { numRuns: 300 });
  });

  it('random YAML-ish token soup', () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((ts) => ts.join(''));
    fc.assert(fc.property(soup, (t) => void loadOrExplain(t)), { numRuns: 300 });
  });

  it('mutated valid suites (inserted, deleted, duplicated, swapped text and lines)', () => {
    const outcomes = { ok: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 6 }), (edits) => {
        outcomes[loadOrExplain(applyEdits(BASE, edits))] += 1;
      }),
      { numRuns: 400 },
    );
    // Both branches were exercised: the generator is neither harmless nor always fatal.
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
  });

  it('structurally mutated suites (a value replaced by random JSON, a key added or removed)', () => {
    const outcomes = { ok: 0, rejected: 0 };
    fc.assert(fc.property(structuredArb, (t) => void (outcomes[loadOrExplain(t)] += 1)), { numRuns: 400 });
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
  });
});

// ---- through the CLI: each run spawns a process, so few runs ----

let dir: string;
let suiteFile: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-prop-'));
  suiteFile = path.join(dir, 'suite.yaml');
  fs.writeFileSync(suiteFile, 'name: cli\nmodels: [sim:instant]\ncases:\n  - { id: only, prompt: "What is 2 + 2?" }\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  return runCli(args, { cwd: dir, timeout: 60_000 });
}

const word = fc.stringMatching(/^[a-z][a-z_]{0,7}$/);
const notNumber = fc.oneof(word, fc.constantFrom('', ' ', 'NaN', 'one', '1,5', '--', '½', '٣'));
const nonPositive = fc.integer({ min: -1000, max: 0 }).map(String);
const fraction = fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)).map(String);
const negative = fc.integer({ min: -1000, max: -1 }).map(String);

/** [flag, a value it must refuse]; value undefined = the flag is given without one. */
const badFlagArb: fc.Arbitrary<[string, string | undefined]> = fc.oneof(
  fc.tuple(fc.constantFrom('--concurrency', '--repeats'), fc.oneof(nonPositive, fraction, notNumber)),
  fc.tuple(fc.constant('--max-retries'), fc.oneof(negative, fraction, notNumber)),
  fc.tuple(fc.constant('--timeout'), fc.oneof(word, negative, fc.constantFrom('0', '0ms', '5h', '1 s', '-2s', '1e400', 'Infinity'))),
  fc.tuple(fc.constant('--efforts'), word.filter((w) => !(EFFORTS as readonly string[]).includes(w))),
  fc.tuple(fc.constant('--models'), fc.oneof(word, word.map((w) => `${w}:`), word.map((w) => `nope${w}:x`), fc.constant(':x'))),
  fc.tuple(fc.constant('--filter'), word.map((w) => `zz${w}`)),
  fc.tuple(fc.constantFrom('--min-pass-rate', '--max-error-rate'), fc.oneof(fc.constantFrom('1.5', '2', '-0.1', '100'), notNumber)),
  fc.tuple(fc.constantFrom('--max-p95-ttft-ms', '--max-p95-latency-ms', '--max-cost', '--latency-tolerance'), fc.oneof(negative, notNumber)),
  fc.tuple(fc.constant('--shard'), fc.oneof(fc.constantFrom('3/2', '0/3', '1/0', '2', '1/2/3', '-1/2'), word)),
  fc.tuple(fc.constant('--progress'), word.map((w) => `zz${w}`)),
  fc.tuple(fc.constant('--rate'), fc.oneof(negative, notNumber)),
  fc.tuple(fc.constant('--arrival'), word.map((w) => `zz${w}`)),
  fc.tuple(fc.constant('--resume'), word.map((w) => `no-such-run-${w}`)),
  fc.tuple(fc.constant('--prices'), word.map((w) => `no-such-prices-${w}.yaml`)),
  fc.tuple(word.map((w) => `--zz-${w}`), fc.constant('1')),
  fc.tuple(fc.constantFrom('--concurrency', '--timeout', '--models', '--efforts'), fc.constant(undefined)),
);

function expectBadInput(r: { code: number; stderr: string }, what: string): void {
  expect(r.code, `${what}\n${r.stderr}`).toBe(2);
  expect(r.stderr.trim(), what).not.toBe('');
  expect(r.stderr, what).not.toMatch(/^\s+at /m);
  expect(r.stderr, what).not.toMatch(/internal error/);
}

describe('the CLI answers bad input with exit 2 and a message, never a stack trace', () => {
  it('random bad flag values on `run`', async () => {
    await fc.assert(
      fc.asyncProperty(badFlagArb, fc.boolean(), async ([flag, value], joined) => {
        const args = value === undefined
          ? ['run', suiteFile, '--out', path.join(dir, 'out'), flag]
          : ['run', suiteFile, '--out', path.join(dir, 'out'), ...(joined ? [`${flag}=${value}`] : [flag, value])];
        expectBadInput(await cli(args), args.slice(2).join(' '));
      }),
      {
        numRuns: 12,
        // Always tried, on top of the random ones: the issue's examples and a blank value.
        examples: [[['--concurrency', '-1'], false], [['--efforts', 'x'], false], [['--timeout', 'abc'], false], [['--max-retries', ''], false]],
      },
    );
  }, 180_000);

  it('--out or --cache naming an existing file (not a folder): exit 2', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    for (const flag of ['--out', '--cache']) {
      const args = ['run', suiteFile, ...(flag === '--out' ? [] : ['--out', path.join(dir, 'out-cache')]), flag, file, '--progress', 'off'];
      expectBadInput(await cli(args), args.slice(2).join(' '));
    }
  }, 60_000);

  it('mutated suite files on `validate`: exit 0 or 2, a message when 2', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(editArb, { minLength: 1, maxLength: 4 }), async (edits) => {
        const file = path.join(dir, `mutated-${n++}.yaml`);
        fs.writeFileSync(file, applyEdits(BASE, edits));
        const r = await cli(['validate', file]);
        if (r.code !== 0) expectBadInput(r, fs.readFileSync(file, 'utf8'));
        else expect(r.stdout).toMatch(/^ok: /);
      }),
      { numRuns: 6 },
    );
  }, 120_000);
});
