import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';

/**
 * Issue 11 acceptance, end to end through the CLI against the built-in simulator: one pass rate
 * in every output, `compare` of unrelated runs, efforts an API does not accept.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-quality-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd: dir, env });
}

const suite = path.join(dir, 'suite.yaml');
const other = path.join(dir, 'other.yaml');

beforeAll(() => {
  // `broken` asks for an empty stop string, which the simulator refuses (HTTP 400) on every attempt.
  fs.writeFileSync(suite, `
name: agree
models: [sim:instant]
repeats: 2
cases:
${[2, 3, 4, 5].map((a) => `  - { id: c${a}, prompt: "What is ${a} + 5?", assert: [{ type: equals, value: "${a + 5}" }] }`).join('\n')}
  - { id: broken, prompt: "What is 6 + 5?", stop: [""], assert: [{ type: equals, value: "11" }] }
`);
  fs.writeFileSync(other, `
name: other
models: [sim:fast]
cases:
  - { id: x, prompt: "What is 1 + 1?", assert: [{ type: equals, value: "2" }] }
`);
});

/** `80.0% (8/10` in the text forms of the pass rate. */
const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;

describe('one pass rate in every output', () => {
  it('a graded case that errors on every attempt lowers it identically in all six outputs', async () => {
    const first = await cli(['run', suite, '--out', 'run', '--progress', 'off']);
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'run', 'summary.json'), 'utf8'));
    const g = summary.overall.grading;
    // 5 cases x 2 repeats, all attempted; the two errors of `broken` are failures in the denominator.
    expect(g).toMatchObject({ graded: 10, cases: 5, errors_as_failures: 2 });
    expect(g.passed).toBeLessThanOrEqual(8);
    const rate = g.pass_rate as number;
    expect(rate).toBe(g.passed / 10);
    // summary.json: groups, the quality report and its configurations agree.
    expect(summary.groups[0].grading.pass_rate).toBe(rate);
    expect(summary.quality.overall.pass_rate.estimate).toBe(rate);
    expect(summary.quality.configs[0]).toMatchObject({ graded: 10, passes: g.passed, errors_as_failures: 2 });
    expect(summary.quality.best[0].pass_rate.estimate).toBe(rate);

    const text = `${pct(rate)} (${g.passed}/10, 5 cases`;
    // Console: the headline and the per-model table; the quality tables show the same rate.
    expect(first.stdout).toMatch(new RegExp(`Pass rate: +${text.replace(/[().]/g, '\\$&')}`));
    expect(first.stdout).toMatch(new RegExp(`sim:instant +10 +5 +${g.passed} +2 +${pct(rate).replace('.', '\\.')} `));
    expect(first.stdout).not.toMatch(/\d+\/8\b/);
    // summary.md and report.html.
    expect(fs.readFileSync(path.join(dir, 'run', 'summary.md'), 'utf8')).toContain(text);
    const html = fs.readFileSync(path.join(dir, 'run', 'report.html'), 'utf8');
    expect(html).toContain(text);
    expect(html).toContain(`${pct(rate)} (95% CI`);
    // junit.xml carries the same figure.
    const junit = fs.readFileSync(path.join(dir, 'run', 'junit.xml'), 'utf8');
    expect(junit).toContain(`<property name="pass_rate" value="${rate}"/>`);
    expect(junit).toContain('<property name="graded" value="10"/>');

    // The gate: just above the rate fails, at the rate passes, on the same count.
    const fail = await cli(['report', 'run', '--min-pass-rate', String(rate + 0.05)]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(new RegExp(`min_pass_rate +overall +>= [\\d.]+% +${pct(rate).replace('.', '\\.')} +FAIL +${g.passed}/10 passed, 2 errors counted as failures`));
    const pass = await cli(['report', 'run', '--min-pass-rate', String(rate)]);
    expect(pass.code, pass.stdout).toBe(0);
  }, 120_000);
});

describe('compare', () => {
  it('exits 2 and says why when the runs share no configuration, with --fail-on-regression too', async () => {
    if (!fs.existsSync(path.join(dir, 'run'))) expect((await cli(['run', suite, '--out', 'run', '--progress', 'off'])).code).toBe(0);
    const r = await cli(['run', other, '--out', 'other', '--progress', 'off']);
    expect(r.code, r.stderr).toBe(0);
    for (const extra of [[], ['--fail-on-regression']]) {
      const c = await cli(['compare', 'run', 'other', ...extra]);
      expect(c.code).toBe(2);
      expect(c.stderr).toContain('nothing to compare: no model x reasoning effort is in both runs');
      expect(c.stderr).toContain('sim:instant');
      expect(c.stderr).toContain('sim:fast');
    }
  }, 120_000);
});

describe('reasoning effort', () => {
  it('a level the API does not accept is an input error before any request', async () => {
    const sim = await cli(['run', suite, '--efforts', 'low,xhigh', '--out', 'xhigh', '--progress', 'off']);
    expect(sim.code).toBe(2);
    expect(sim.stderr).toContain('model `sim:instant` cannot run at reasoning_effort `xhigh`: provider `sim` accepts none, minimal, low, medium, high');
    expect(fs.existsSync(path.join(dir, 'xhigh'))).toBe(false);

    const viv = await cli(['run', suite, '--models', 'vivgrid:some-model', '--efforts', 'minimal', '--out', 'viv', '--progress', 'off'], { VIVGRID_API_KEY: 'not-a-real-key' });
    expect(viv.code).toBe(2);
    expect(viv.stderr).toContain('provider `vivgrid` accepts none, low, medium, high');
    expect(viv.stderr).not.toContain('not-a-real-key');
    expect(fs.existsSync(path.join(dir, 'viv'))).toBe(false);
  }, 60_000);
});
