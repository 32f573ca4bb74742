import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { iterateCases, loadSuite, type Suite, type SuiteCase } from '../../src/suite/index.ts';
import { planJobs } from '../../src/plan/index.ts';
import { gradeOutput, type GradeContext } from '../../src/grade/index.ts';
import { runSuite } from '../../src/session/run-suite.ts';
import { GOOD_ANSWERS, BAD_ANSWERS } from './code-answers.ts';
// The image generator is plain JavaScript shipped with the suites (types in generate.d.mts).
import { drawImages, scanlines } from '../../suites/images/generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SUITES = path.join(ROOT, 'suites');
const suiteFiles = fs.readdirSync(SUITES).filter((f) => f.endsWith('.yaml')).sort();

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const load = (name: string): Promise<Suite> => loadSuite(path.join(SUITES, name));

function context(suite: Suite, c: SuiteCase, output: string): GradeContext {
  return {
    output, reasoning: '', finishReason: 'stop', latencyMs: 900, ttftMs: 200, costUsd: null,
    vars: c.vars ?? {}, caseId: c.id, model: suite.models[0], suiteDir: suite.dir,
  };
}

/** Grades like the runner: suite default_assert, then the case's own. */
function grade(suite: Suite, c: SuiteCase, output: string, keep: (type: string) => boolean = () => true) {
  const specs = [...(suite.default_assert ?? []), ...(c.assert ?? [])].filter((s) => keep(s.type));
  return gradeOutput(specs, c.threshold, context(suite, c, output));
}

describe('every suite under suites/', () => {
  it('finds the shipped suites', () => {
    expect(suiteFiles).toEqual(expect.arrayContaining(['example.yaml', 'reasoning.yaml', 'code.yaml', 'creative.yaml', 'vision.yaml']));
  });

  it.each(suiteFiles)('%s loads, validates every assertion and plans', async (file) => {
    const suite = await load(file);
    const jobs = planJobs(suite);
    expect(jobs.length).toBe([...iterateCases(suite)].length * suite.models.length * (suite.reasoning_effort?.length ?? 1) * suite.repeats);
    expect(fs.readFileSync(path.join(SUITES, file), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../suite.schema.json');
  });

  it.each(['reasoning.yaml', 'code.yaml', 'creative.yaml', 'vision.yaml'])('%s has at least 20 cases, each checked', async (file) => {
    const suite = await load(file);
    expect([...iterateCases(suite)].length).toBeGreaterThanOrEqual(20);
    for (const c of [...iterateCases(suite)]) expect((suite.default_assert?.length ?? 0) + (c.assert?.length ?? 0), c.id).toBeGreaterThan(0);
  });

  it('targets the seeds\' model families', async () => {
    expect((await load('reasoning.yaml')).models).toEqual(['vigthoria:v2-reasoning', 'vivgrid:managed']);
    expect((await load('reasoning.yaml')).reasoning_effort).toEqual(['low', 'medium', 'high']);
    expect((await load('code.yaml')).models).toEqual(['vigthoria:v2-code']);
    expect((await load('creative.yaml')).models).toEqual(['vigthoria:v2-creative']);
    expect((await load('vision.yaml')).models).toEqual(['vigthoria:v2-vision']);
  });
});

describe('suites/code.yaml and its function-tests grader', () => {
  it('has a known-good answer here for every case (so every test table is checked below)', async () => {
    const suite = await load('code.yaml');
    expect(Object.keys(GOOD_ANSWERS).sort()).toEqual([...iterateCases(suite)].map((c) => c.id).sort());
    for (const c of [...iterateCases(suite)]) {
      expect(c.assert?.map((a) => a.type), c.id).toEqual(['javascript']);
      expect(c.assert?.[0].value, c.id).toBe('graders/function-tests.mjs');
    }
  });

  it('passes every correct solution with score 1', async () => {
    const suite = await load('code.yaml');
    for (const c of [...iterateCases(suite)]) {
      const r = await grade(suite, c, GOOD_ANSWERS[c.id]);
      expect({ id: c.id, passed: r.passed, reasons: r.reasons }).toEqual({ id: c.id, passed: true, reasons: [] });
      expect(r.score).toBe(1);
      expect(r.results[0].reason).toMatch(/(\d+)\/\1 tests passed/);
    }
  });

  it('fails buggy solutions, with partial credit and the failing calls named', async () => {
    const suite = await load('code.yaml');
    const byId = new Map([...iterateCases(suite)].map((c) => [c.id, c]));
    for (const [id, answer] of Object.entries(BAD_ANSWERS)) {
      const r = await grade(suite, byId.get(id)!, answer);
      expect(r.passed, id).toBe(false);
      expect(r.score, id).toBeLessThan(1);
      expect(r.results[0].errored, id).toBeUndefined(); // a verdict, not a grader crash
    }
    const palindrome = await grade(suite, byId.get('is-palindrome')!, BAD_ANSWERS['is-palindrome']);
    expect(palindrome.score).toBeGreaterThan(0); // "racecar" and "hello" still pass
    expect(palindrome.reasons[0]).toContain('isPalindrome("No lemon, no melon") returned false, expected true');

    const median = await grade(suite, byId.get('median')!, BAD_ANSWERS.median);
    expect(median.reasons[0]).toMatch(/median\(\[-5,10,0,2\.5\]\) returned 5, expected 1\.25/);

    const port = await grade(suite, byId.get('validate-input')!, BAD_ANSWERS['validate-input']);
    expect(port.reasons[0]).toContain('expected an error mentioning "RangeError"');
  });

  it('stops at a timeout, a missing function or a syntax error instead of running every test', async () => {
    const suite = await load('code.yaml');
    const byId = new Map([...iterateCases(suite)].map((c) => [c.id, c]));
    const fib = await grade(suite, byId.get('fibonacci')!, BAD_ANSWERS.fibonacci);
    expect(fib.reasons[0]).toMatch(/fibonacci\(70\): .*timed out/);
    expect(fib.score).toBeCloseTo(5 / 6, 10);

    const gcd = await grade(suite, byId.get('gcd')!, BAD_ANSWERS.gcd);
    expect(gcd.score).toBe(0);
    expect(gcd.reasons[0]).toMatch(/defines no function named gcd \(5 more tests not run\)/);

    const chunk = await grade(suite, byId.get('chunk')!, BAD_ANSWERS.chunk);
    expect(chunk.score).toBe(0);
    expect(chunk.reasons[0]).toContain('does not parse');
  });

  it('reports a malformed test table as a grader error, not as a wrong answer', async () => {
    const suite = await load('code.yaml');
    const c = [...iterateCases(suite)][0];
    const broken = { ...c, assert: [{ ...c.assert![0], tests: [['not-a-list', true]] }] };
    const r = await grade(suite, broken, GOOD_ANSWERS[c.id]);
    expect(r.passed).toBe(false);
    expect(r.results[0].errored).toBe(true);
    expect(r.reasons[0]).toMatch(/tests\[0\] must be/);
  });
});

describe('suites/reasoning.yaml answer check', () => {
  it('gives every case an expected answer for the shared regex', async () => {
    const suite = await load('reasoning.yaml');
    for (const c of [...iterateCases(suite)]) expect(c.vars?.answer, c.id).toBeDefined();
  });

  it('accepts the right final answer in common formats and rejects near misses', async () => {
    const suite = await load('reasoning.yaml');
    const c = { ...[...iterateCases(suite)].find((x) => x.id === 'consecutive-integers')!, vars: { answer: 42 } };
    const passes = async (out: string) => (await grade(suite, c, out)).passed;
    for (const ok of ['Answer: 42', 'x = 14, so 14 * 3 = 42.\n\n**Answer:** 42', 'answer: **42** km', 'Answer: $42', 'Answer: 42.0', 'Answer: 42.']) {
      expect(await passes(ok), ok).toBe(true);
    }
    for (const bad of ['Answer: 420', 'Answer: 42.5', 'Answer: 42,000', 'Answer: -42', 'The answer is 42', 'Answer: 4']) {
      expect(await passes(bad), bad).toBe(false);
    }
  });

  it('matches whole words and dates for non-numeric answers', async () => {
    const suite = await load('reasoning.yaml');
    const byId = new Map([...iterateCases(suite)].map((c) => [c.id, c]));
    const passes = async (id: string, out: string) => (await grade(suite, byId.get(id)!, out)).passed;
    expect(await passes('knights-and-knaves', 'A is truthful.\nAnswer: Knight')).toBe(true);
    expect(await passes('knights-and-knaves', 'Answer: knave')).toBe(false);
    expect(await passes('modus-tollens', 'Answer: No.')).toBe(true);
    expect(await passes('modus-tollens', 'Answer: Not enough information')).toBe(false);
    expect(await passes('date-plus-100', 'Answer: 2024-04-24')).toBe(true);
    expect(await passes('date-plus-100', 'Answer: 2024-04-25')).toBe(false);
  });
});

describe('suites/creative.yaml', () => {
  it('grades every case with an llm-rubric, using a configured judge', async () => {
    const suite = await load('creative.yaml');
    expect(suite.grading?.judge).toMatch(/^[a-z]+:.+/);
    for (const c of [...iterateCases(suite)]) expect(c.assert?.some((a) => a.type === 'llm-rubric'), c.id).toBe(true);
  });

  // The exact checks beside the rubric must accept a fitting answer and reject a misfit.
  const samples: [string, string, string][] = [
    ['haiku-autumn-rain', 'Cold rain on maples\nred leaves drown in the gutter\nthe street smells of earth', 'Rain falls.\nLeaves fall.\nIt is autumn.\nThe end.'],
    ['limerick-cat', 'A cat who was keen to compile\nwrote loops in a feline-ish style.\nShe chased every bug,\nthen curled on the rug,\nand shipped it with only a smile.', 'A cat wrote some code.'],
    ['six-word-story', '"Packed everything. Except the dog. Returned."', 'Packed my bags and never looked back.'],
    ['lipogram-sea', 'Vast tidal flow, a shining vault,\nsalt winds roar past rocky coast,\ngulls cry out as dusk falls down,\nmoonlight drifts on foam and sand.', 'The sea is deep and blue.'],
    ['alliteration-s', 'Savage squalls swept south, scattering startled sparrows skyward.', 'Savage squalls swept over the sleepy town.'],
    ['cat-cafe-names', '1. Purrfect Brew\n2. The Catpuccino\n3. Whisker Beans\n4. Meow & Mocha\n5. Latte Lounge', '1. Purrfect Brew\n2. The Catpuccino\n3. Whisker Beans\n4. Meow & Mocha'],
    ['fable-with-moral', 'The fox served soup in a flat dish; the heron served it in a tall jar.\n\n**Moral:** Treat others as you wish to be treated.', 'The fox and the heron became friends. The end.'],
    ['continue-story', 'She checked the timetable again. Nothing would come until morning.', 'She waited. Then she walked. Then she slept.'],
  ];
  it.each(samples)('%s: exact checks accept a fitting answer and reject a misfit', async (id, good, bad) => {
    const suite = await load('creative.yaml');
    const c = [...iterateCases(suite)].find((x) => x.id === id)!;
    const cheap = (t: string) => t !== 'llm-rubric';
    expect((await grade(suite, c, good, cheap)).reasons).toEqual([]);
    expect((await grade(suite, c, bad, cheap)).passed).toBe(false);
  });

  // Answers that made the former regexes backtrack quadratically (or, for alliteration-s, exponentially):
  // each shipped regex must stay linear. Quadratic on 300k characters is minutes; linear is milliseconds.
  it('its regexes finish quickly on hostile 300k-character answers', async () => {
    const suite = await load('creative.yaml');
    const specs = [...(suite.default_assert ?? []), ...suite.cases.flatMap((c) => c.assert ?? [])].filter((a) => a.type.endsWith('regex'));
    expect(specs.length).toBeGreaterThan(10);
    const n = 300_000;
    const hostile: Record<string, string> = {
      newlines: '\n'.repeat(n), spaces: ' '.repeat(n) + 'x', 'word then spaces': 'x' + ' '.repeat(n) + '\ny',
      'blank lines with spaces': '\n '.repeat(n / 2) + 'x', words: 'a '.repeat(n / 2), 'S-S-S': 'S-'.repeat(n / 2) + '!x',
      'S, S, S': 'S, '.repeat(n / 3) + 'x!y', sentences: 'a. '.repeat(n / 3) + 'x', 'moral then spaces': '\nMoral: x' + ' '.repeat(n) + '\nmore',
    };
    for (const spec of specs) {
      const re = new RegExp(String(spec.value), (spec as { flags?: string }).flags);
      for (const [name, text] of Object.entries(hostile)) {
        const t0 = performance.now();
        re.test(text);
        expect(performance.now() - t0, `${String(spec.value)} on ${name}`).toBeLessThan(1500);
      }
    }
  }, 60_000);
});

describe('suites/vision.yaml and suites/images/', () => {
  const IMAGES = path.join(SUITES, 'images');
  const drawn = drawImages();

  it('sends at least one image part in every case, each a PNG data URL', async () => {
    const suite = await load('vision.yaml');
    for (const c of [...iterateCases(suite)]) {
      const parts = (c.messages ?? []).flatMap((m) => (Array.isArray(m.content) ? m.content : []));
      const images = parts.filter((p) => p.type === 'image_url');
      expect(images.length, c.id).toBeGreaterThan(0);
      for (const p of images) expect(p.type === 'image_url' && p.image_url.url.startsWith('data:image/png;base64,'), c.id).toBe(true);
    }
  });

  it('uses every shipped image, and ships every image it uses', () => {
    const text = fs.readFileSync(path.join(SUITES, 'vision.yaml'), 'utf8');
    const used = new Set([...text.matchAll(/url: images\/([\w.-]+\.png)/g)].map((m) => m[1]));
    const shipped = fs.readdirSync(IMAGES).filter((f) => f.endsWith('.png'));
    expect([...used].sort()).toEqual(shipped.sort());
    expect(shipped.sort()).toEqual(Object.keys(drawn).sort());
  });

  it('ships small PNGs that hold exactly the pixels generate.mjs draws', () => {
    for (const [name, image] of Object.entries(drawn)) {
      const png = fs.readFileSync(path.join(IMAGES, name));
      expect(png.length, name).toBeLessThan(5 * 1024);
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      const chunks = readChunks(png);
      const ihdr = chunks.find((c) => c.type === 'IHDR')!.data;
      expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]], name).toEqual([image.width, image.height, 8, 2]);
      const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
      expect(inflateSync(idat).equals(scanlines(image)), `${name}: pixels differ from generate.mjs; run node suites/images/generate.mjs`).toBe(true);
    }
  });
});

describe('suites/example.yaml on the simulator', () => {
  it('shows passes, failures and a significant difference between two models', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-example-'));
    dirs.push(out);
    const outcome = await runSuite(path.join(SUITES, 'example.yaml'), { outDir: out, warmUp: false });
    expect(outcome.counts).toMatchObject({ ok: 576, errors: 0, skipped: 0 });
    const quality = outcome.summary.quality!;
    expect(quality.configs.length).toBeGreaterThanOrEqual(2);
    const passes = quality.configs.reduce((s, c) => s + c.passes, 0);
    const graded = quality.configs.reduce((s, c) => s + c.graded, 0);
    expect(graded).toBe(outcome.counts.ok);
    expect(passes).toBeGreaterThan(0);
    expect(passes).toBeLessThan(graded);
    const significant = quality.comparisons.filter((c) => c.verdict.includes('better than'));
    expect(significant.length).toBeGreaterThan(0);
    for (const c of significant) expect(c.p_value!).toBeLessThan(quality.alpha);
  }, 60_000);
});

function readChunks(png: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    out.push({ type: png.toString('ascii', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + len) });
    at += 12 + len;
  }
  return out;
}
