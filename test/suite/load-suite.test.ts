import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SuiteError, type SuiteIssue } from '../../src/errors/index.ts';
import { loadSuite, parseSuite } from '../../src/suite/index.ts';
import { MAX_SUITE_KEYS, suiteTextIssues } from '../../src/suite/suite-limits.ts';

/** 1-based line:col of the nth occurrence of `needle` in `text`. */
function posOf(text: string, needle: string, nth = 0): { line: number; col: number } {
  let idx = -1;
  for (let i = 0; i <= nth; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`needle not found: ${needle}`);
  }
  const before = text.slice(0, idx);
  const line = before.split('\n').length;
  return { line, col: idx - before.lastIndexOf('\n') };
}

function issuesOf(text: string, file = 'suite.yaml', opts = {}): SuiteIssue[] {
  try {
    parseSuite(text, file, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(SuiteError);
    return (err as SuiteError).issues;
  }
  throw new Error('expected a SuiteError');
}

function issueAt(issues: SuiteIssue[], path: string): SuiteIssue {
  const found = issues.find((i) => i.path === path);
  if (!found) throw new Error(`no issue at ${path}; got:\n${issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  return found;
}

const VALID = `name: demo
models: [sim:fast, "local:llama3:8b"]
providers:
  local: { type: openai-compatible, base_url: "http://127.0.0.1:11434/v1" }
reasoning_effort: [low, high]
defaults:
  system: Be brief.
  temperature: 0.2
cases:
  - id: one
    prompt: What is 2 + 2?
    tags: [math]
  - id: two
    messages:
      - { role: user, content: "Hi {{who}}" }
    vars: { who: Ada }
`;

describe('parseSuite: valid suites', () => {
  it('returns the validated document with defaults applied, file and dir', () => {
    const suite = parseSuite(VALID, 'suites/demo.yaml');
    expect(suite.name).toBe('demo');
    expect(suite.models).toEqual(['sim:fast', 'local:llama3:8b']);
    expect(suite.reasoning_effort).toEqual(['low', 'high']);
    expect(suite.cases.map((c) => c.id)).toEqual(['one', 'two']);
    // schema defaults
    expect(suite.repeats).toBe(1);
    expect(suite.concurrency).toBe(8);
    expect(suite.timeout_ms).toBe(60_000);
    expect(suite.retry).toEqual({ max_retries: 2, base_delay_ms: 500, max_delay_ms: 20_000 });
    expect(suite.file).toBe(resolve('suites/demo.yaml'));
    expect(suite.dir).toBe(resolve('suites'));
  });

  it('supports anchors, aliases and << merge keys', () => {
    const text = `name: m
models: [sim:fast]
cases:
  - &base { id: a, prompt: x, temperature: 0.5 }
  - { <<: *base, id: b }
`;
    const suite = parseSuite(text, 'm.yaml');
    expect(suite.cases[1]).toMatchObject({ id: 'b', prompt: 'x', temperature: 0.5 });
  });
});

describe('parseSuite: errors name file:line:col, path and what was expected', () => {
  it('malformed YAML gives the parser message at line:col', () => {
    const text = 'name: x\nmodels: [sim:fast\ncases: []\n';
    const issues = issuesOf(text, 'bad.yaml');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0].file).toBe('bad.yaml');
    expect(issues[0].line).toBeGreaterThanOrEqual(2);
    expect(issues[0].message).toMatch(/flow sequence|\]/i);
  });

  it('duplicate YAML keys are a syntax error with a position', () => {
    const text = 'name: x\nname: y\nmodels: [sim:fast]\ncases: [{id: a, prompt: b}]\n';
    const [issue] = issuesOf(text);
    expect(issue.message).toMatch(/unique/i);
    expect(issue.line).toBe(2);
  });

  it('the SuiteError message formats each issue as file:line:col path: message', () => {
    const text = 'name: x\nmodels: [sim:fast]\ncases:\n  - id: a\n    prompt: p\n    temperature: 3\n';
    try {
      parseSuite(text, 'suites/t.yaml');
      expect.unreachable();
    } catch (err) {
      const { line, col } = posOf(text, '3\n');
      expect((err as SuiteError).code).toBe('SUITE_INVALID');
      expect((err as SuiteError).exitCode).toBe(2);
      expect((err as Error).message).toBe(
        `suites/t.yaml:${line}:${col} cases[0].temperature: expected a number from 0 to 2, got 3`,
      );
    }
  });

  it('schema violations: path, position and expected in plain words', () => {
    const text = `name: x
models: [sim:fast, 42, nocolon]
reasoning_effort: [hgih]
repeats: 0
defaults:
  max_completion_tokens: 1.5
  stop: [a, b, c, d, e]
cases:
  - id: a
    prompt: p
  - id: b
    messages: []
  - id: c
    messages: [{ role: user, content: [{ type: image, url: x }] }]
  - { id: d }
  - { id: e, prompt: p, assert: [{ value: 1 }] }
`;
    const issues = issuesOf(text);
    const typeErr = issueAt(issues, 'models[1]');
    expect(typeErr.message).toBe('expected a string, got 42 (quote it: "42")');
    expect(typeErr).toMatchObject(posOf(text, '42'));

    expect(issueAt(issues, 'models[2]').message).toMatch(/^expected a model reference `provider:model`.*got "nocolon"$/);
    expect(issueAt(issues, 'reasoning_effort[0]').message).toBe(
      'expected one of `none`, `minimal`, `low`, `medium`, `high` or `xhigh`, got "hgih"; did you mean `high`?',
    );
    expect(issueAt(issues, 'repeats').message).toBe('expected a whole number greater than 0, got 0');
    expect(issueAt(issues, 'defaults.max_completion_tokens').message).toBe('expected a whole number greater than 0, got 1.5');
    expect(issueAt(issues, 'defaults.stop').message).toBe('expected a list of at most 4 strings, got a list of 5 items');
    expect(issueAt(issues, 'cases[1].messages').message).toBe('expected a non-empty list of mappings, got an empty list');
    expect(issueAt(issues, 'cases[2].messages[0].content[0].type').message).toBe(
      'expected one of `text` or `image_url`, got "image"',
    );
    const refine = issueAt(issues, 'cases[3]');
    expect(refine.message).toBe('a case needs exactly one of `prompt` or `messages`');
    expect(refine).toMatchObject(posOf(text, '{ id: d }'));
    const missing = issueAt(issues, 'cases[4].assert[0].type');
    expect(missing.message).toBe('missing required key `type`: expected a non-empty string');
    expect(missing).toMatchObject(posOf(text, '{ value: 1 }'));
    // sorted by position
    const order = issues.map((i) => i.line! * 1000 + i.col!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('unknown keys point at the key and suggest the closest allowed one', () => {
    const text = `name: x
models: [sim:fast]
defaults:
  temprature: 1
cases:
  - id: a
    promt: hello
    max_tokens: 10
    zzzzzz: 1
`;
    const issues = issuesOf(text);
    const t = issueAt(issues, 'defaults.temprature');
    expect(t.message).toBe('unknown key `temprature`; did you mean `temperature`?');
    expect(t).toMatchObject(posOf(text, 'temprature'));
    expect(issueAt(issues, 'cases[0].promt').message).toBe('unknown key `promt`; did you mean `prompt`?');
    expect(issueAt(issues, 'cases[0].max_tokens').message).toBe(
      'unknown key `max_tokens`; did you mean `max_completion_tokens`?',
    );
    const far = issueAt(issues, 'cases[0].zzzzzz').message;
    expect(far).toMatch(/^unknown key `zzzzzz`; allowed keys: id, file, sample, description, prompt, messages/);
  });

  it('a record key that breaks the naming rule points at the key', () => {
    const text = `name: x
models: [sim:fast]
providers:
  "my server": { type: openai-compatible, base_url: "http://127.0.0.1:1/v1" }
cases: [{ id: a, prompt: p }]
`;
    const issue = issueAt(issuesOf(text), 'providers["my server"]');
    expect(issue.message).toBe('invalid name `my server`: expected letters, digits and _ . - only');
    expect(issue).toMatchObject(posOf(text, '"my server"'));
  });

  it('duplicate case ids name both positions', () => {
    const text = `name: x
models: [sim:fast]
cases:
  - id: same
    prompt: a
  - id: other
    prompt: b
  - id: same
    prompt: c
`;
    const issue = issueAt(issuesOf(text, 'dup.yaml'), 'cases[2].id');
    const first = posOf(text, 'same', 0);
    expect(issue).toMatchObject(posOf(text, 'same', 1));
    expect(issue.message).toBe(`duplicate case id \`same\`; first used by cases[0] at dup.yaml:${first.line}:${first.col}`);
  });

  it('unknown providers list the known ones; suite providers count as known', () => {
    const text = `name: x
models: [sim:fast, foo:bar, vigthoria:v2-code, mine:m, vivgird:managed]
providers:
  mine: { type: openai-compatible, base_url: "http://127.0.0.1:9/v1" }
cases: [{ id: a, prompt: p }]
`;
    const issues = issuesOf(text);
    expect(issues.map((i) => i.path)).toEqual(['models[1]', 'models[4]']);
    expect(issues[0].message).toMatch(/^unknown provider `foo` in model `foo:bar`; known: sim, vigthoria, vivgrid, openai, mine/);
    expect(issues[0]).toMatchObject(posOf(text, 'foo:bar'));
    expect(issues[1].message).toMatch(/did you mean `vivgrid`\?/);
  });

  it('a placeholder with no value in vars is an error at its text', () => {
    const text = `name: x
models: [sim:fast]
defaults:
  system: "Answer in {{lang}}"
cases:
  - id: a
    prompt: "Hello {{name}}, {{greeting}}"
    vars: { nam: Ada, greeting: hi, lang: en }
  - id: b
    messages:
      - { role: user, content: [{ type: text, text: "{{ missing }}" }] }
  - id: c
    messages:
      - { role: system, content: own system prompt }
      - { role: user, content: hi }
`;
    const issues = issuesOf(text);
    const a = issueAt(issues, 'cases[0].prompt');
    expect(a.message).toBe("placeholder `{{name}}` has no value: add `name` to this case's vars (did you mean `{{nam}}`?)");
    expect(a).toMatchObject(posOf(text, '"Hello'));
    expect(issueAt(issues, 'cases[1].messages[0].content[0].text').message).toMatch(/`\{\{missing\}\}` has no value/);
    // defaults.system is used by b (no system message) but not by c (has one), and a defines lang
    expect(issueAt(issues, 'defaults.system').message).toBe('placeholder `{{lang}}` has no value in the vars of case b');
    expect(issues).toHaveLength(3);
  });

  it('an empty file and a non-mapping document are reported', () => {
    expect(issuesOf('')[0].message).toMatch(/empty/);
    expect(issuesOf('- a\n- b\n')[0].message).toBe('expected a mapping (key: value), got a list of 2 items');
  });

  it('collects every problem into one error', () => {
    const text = 'name: "bad name"\nmodels: [nope:x]\ncases:\n  - { id: a, prompt: p, top_p: 2 }\n';
    expect(issuesOf(text).map((i) => i.path)).toEqual(['name', 'models[0]', 'cases[0].top_p']);
  });
});

describe('images', () => {
  const dir = mkdtempSync(join(tmpdir(), 'evalbench-suite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  writeFileSync(join(dir, 'cat.png'), png);
  writeFileSync(join(dir, 'pic.JPG'), Buffer.from('jpeg-bytes'));

  const suiteWith = (urls: string[]) => `name: img
models: [vigthoria:v2-vision]
cases:
  - id: look
    messages:
      - role: user
        content:
          - { type: text, text: What is this? }
${urls.map((u) => `          - { type: image_url, image_url: { url: "${u}" } }`).join('\n')}
`;

  it('local files become data URLs (mime from the extension); http and data URLs are kept', () => {
    const urls = ['cat.png', 'pic.JPG', 'https://example.com/a.png', 'data:image/gif;base64,R0lG'];
    const suite = parseSuite(suiteWith(urls), join(dir, 'suite.yaml'));
    const parts = suite.cases[0].messages![0].content as { type: string; image_url?: { url: string } }[];
    const got = parts.filter((p) => p.type === 'image_url').map((p) => p.image_url!.url);
    expect(got).toEqual([
      `data:image/png;base64,${png.toString('base64')}`,
      `data:image/jpeg;base64,${Buffer.from('jpeg-bytes').toString('base64')}`,
      'https://example.com/a.png',
      'data:image/gif;base64,R0lG',
    ]);
  });

  it('a missing file or unsupported type is an error at the url', () => {
    const text = suiteWith(['nothere.png', 'cat.bmp']);
    const issues = issuesOf(text, join(dir, 'suite.yaml'));
    const url = 'cases[0].messages[0].content[1].image_url.url';
    expect(issueAt(issues, url).message).toBe(`image file \`nothere.png\` not found (looked for ${join(dir, 'nothere.png')})`);
    expect(issueAt(issues, url)).toMatchObject(posOf(text, '"nothere.png"'));
    expect(issueAt(issues, url.replace('[1]', '[2]')).message).toMatch(/unsupported image type `\.bmp`/);
  });

  it('reads images through opts.readImage, relative to opts.dir', () => {
    const seen: string[] = [];
    const suite = parseSuite(suiteWith(['x/y.webp']), 'virtual.yaml', {
      dir: '/virtual',
      readImage: (p) => {
        seen.push(p);
        return new Uint8Array([1, 2]);
      },
    });
    expect(seen).toEqual([resolve('/virtual/x/y.webp')]);
    const part = (suite.cases[0].messages![0].content as { image_url?: { url: string } }[])[1];
    expect(part.image_url!.url).toBe('data:image/webp;base64,AQI=');
  });
});

describe('loadSuite', () => {
  it('a missing file is a SuiteError naming the file', async () => {
    const err = await loadSuite('suites/does-not-exist.yaml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SuiteError);
    expect((err as SuiteError).issues[0]).toMatchObject({ file: 'suites/does-not-exist.yaml' });
    expect((err as SuiteError).message).toMatch(/^suites\/does-not-exist\.yaml: suite file not found/);
  });

  it('loads suites/example.yaml: sim models, each case with assertions', async () => {
    const suite = await loadSuite('suites/example.yaml');
    expect(suite.name).toBe('example');
    expect(suite.models.every((m) => m.startsWith('sim:'))).toBe(true);
    expect(suite.cases.length).toBeGreaterThanOrEqual(8);
    for (const c of suite.cases) expect((c.assert?.length ?? 0) + (suite.default_assert?.length ?? 0)).toBeGreaterThan(0);
  });

  it('loads suites/smoke.yaml: 3 cases for vigthoria:v2-code', async () => {
    const suite = await loadSuite('suites/smoke.yaml');
    expect(suite.models).toEqual(['vigthoria:v2-code']);
    expect(suite.cases).toHaveLength(3);
  });
});

describe('suite limits (issue 17): fast, with positions', () => {
  it('a 200k-key mapping fails at once at the first key over the limit, before the YAML parse', () => {
    const text = 'name: x\nmodels: [sim:fast]\ncases: [{id: a, prompt: b}]\nvars:\n' + Array.from({ length: MAX_SUITE_KEYS + 5 }, (_, i) => `  k${i}: ${i}`).join('\n');
    const t0 = performance.now();
    const [issue] = issuesOf(text);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(issue.message).toMatch(/more than 200000 mapping keys/);
    // Six keys on lines 1-4 (name, models, cases, id, prompt, vars), then one a line from line 5.
    expect(issue.line).toBe(5 + MAX_SUITE_KEYS - 6);
  });

  it('duplicate keys among 40k are found in one pass (the library check took 9 s), each with its line', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `    k${i}: ${i}`);
    keys.push('    k7: again');
    const text = 'name: x\nmodels: [sim:fast]\ncases:\n  - id: a\n    prompt: b\n  - id: c\n    prompt: d\n    vars:\n' + keys.join('\n');
    const t0 = performance.now();
    const [issue] = issuesOf(text);
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(issue.message).toMatch(/duplicate key "k7": map keys must be unique \(first at line 16\)/);
    expect(issue.line).toBe(9 + 40_000);
  }, 30_000);

  it('a billion-laughs document: "Excessive alias count" with the line of the first alias', () => {
    const text = [
      'name: x', 'models: [sim:fast]', 'cases: [{id: a, prompt: b}]',
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    ].join('\n');
    const [issue] = issuesOf(text);
    expect(issue.message).toMatch(/Excessive alias count.*write the values out/);
    expect(issue.line).toBe(5);
    expect(issue.col).toBe(8);
  });

  it('a file over the size limit is refused before parsing', () => {
    expect(suiteTextIssues('x'.repeat(100), 'f.yaml', { bytes: 50, keys: 10 })[0].message).toMatch(/100 bytes, above the limit of 50/);
  });
});
