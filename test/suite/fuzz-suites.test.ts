// Seeded fuzz of hostile suites (issue 17): 200 mutations of valid suites go through the loader
// and the planner. Every one must end quickly, and every failure must be a bad-input error
// (exit 2) whose every issue names file, line and column, never a crash.
import { describe, expect, it } from 'vitest';
import { EvalbenchError, SuiteError } from '../../src/errors/index.ts';
import { makePlan } from '../../src/plan/index.ts';
import { parseSuite } from '../../src/suite/index.ts';

const BASES = [
  `name: fuzz
models: [sim:fast, sim:slow]
reasoning_effort: [low, high]
repeats: 2
timeout_ms: 5000
defaults: { max_completion_tokens: 64, temperature: 0.2 }
cases:
  - id: add
    prompt: "What is {{a}} + {{b}}?"
    vars: { a: 2, b: 3 }
    assert:
      - { type: contains, value: "5" }
  - id: chat
    messages:
      - { role: system, content: "Be brief." }
      - { role: user, content: "Hello" }
    tags: [smoke]
`,
  `name: anchors
providers:
  local:
    type: openai-compatible
    base_url: http://127.0.0.1:8000/v1
models: [local:m]
defaults: &d { max_completion_tokens: 32 }
cases:
  - { id: a, prompt: "x", <<: *d }
  - { id: b, prompt: "y", assert: [{ type: regex, value: "^y" }] }
`,
];

/** Fragments a hostile or careless editor might leave behind. */
const JUNK = [':', ': ', '- ', '{', '}', '[', ']', '&a ', '*a', '<<: *a', '"', "'", '\t', '\n', '  ', '#', '1e9', '-1', 'null',
  '!!binary x', '%YAML 1.2\n', '---\n', '...\n', '\u0000', '\u202e', '😀', '?', '|', '>', '@', '`', '{{', '}}', 'id: add', 'repeats: 1000000000'];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function mutate(text: string, r: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  let t = text;
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * t.length);
    const lines = t.split('\n');
    switch (Math.floor(r() * 6)) {
      case 0: t = t.slice(0, at) + pick(JUNK) + t.slice(at); break;
      case 1: t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 20)); break;
      case 2: { const i = Math.floor(r() * lines.length); lines.splice(i, 0, lines[Math.floor(r() * lines.length)]); t = lines.join('\n'); break; }
      case 3: { const i = Math.floor(r() * lines.length); lines[i] = ' '.repeat(Math.floor(r() * 6)) + lines[i].trimStart(); t = lines.join('\n'); break; }
      case 4: t = t.replace(/\d+/, pick(['0', '-5', '1e9', '99999999999999999999', '0.5', 'NaN'])); break;
      default: { const i = Math.floor(r() * lines.length); lines.splice(i, 1); t = lines.join('\n'); }
    }
  }
  return t;
}

describe('fuzz: 200 mutated suites', () => {
  it('0 crashes, 0 hangs, every bad-input issue with a position', () => {
    const r = rng(17);
    const crashes: string[] = [];
    const unplaced: string[] = [];
    let refused = 0;
    let slowest = 0;
    for (let i = 0; i < 200; i++) {
      const text = mutate(BASES[i % BASES.length], r);
      const t0 = performance.now();
      try {
        const suite = parseSuite(text, 'fuzz.yaml', { readImage: () => Buffer.from('') });
        makePlan(suite);
      } catch (e) {
        if (!(e instanceof EvalbenchError) || e.exitCode !== 2) crashes.push(`#${i}: ${String(e)}\n${text}`);
        else {
          refused++;
          const issues = e instanceof SuiteError ? e.issues : [];
          if (issues.length === 0 || issues.some((x) => x.line === undefined || x.col === undefined)) unplaced.push(`#${i}: ${e.message}\n${text}`);
        }
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    expect(crashes, crashes.join('\n\n')).toEqual([]);
    expect(unplaced, unplaced.join('\n\n')).toEqual([]);
    expect(refused).toBeGreaterThan(50); // the mutations do break suites
    expect(slowest).toBeLessThan(3000);
  }, 20_000);
});
