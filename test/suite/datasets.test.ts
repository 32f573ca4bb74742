import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuiteError } from '../../src/errors/suite-error.ts';
import { makePlan, planJobs } from '../../src/plan/index.ts';
import { runSuite } from '../../src/session/index.ts';
import { loadSuite } from '../../src/suite/index.ts';
import { startRecordingServer, type RecordingServer } from '../helpers/recording-server.ts';

let dir: string;
const write = (name: string, text: string | Buffer) => {
  fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

const CSV = 'country,capital,tags\nFrance,Paris,europe\nJapan,Tokyo,asia\nPeru,Lima,"americas,south"\n';
const JSONL = '{"id": "q1", "question": "2+2?", "answer": 4}\n\n{"id": "q2", "question": "3+3?", "answer": 6}\n';

function suiteYaml(cases: string, extra = ''): string {
  return `name: ds\nmodels: [sim:fast]\n${extra}cases:\n${cases}`;
}

const BOTH = `  - file: data/capitals.csv
    id: "capital-{{country}}"
    prompt: "What is the capital of {{country}}? One word."
    assert:
      - type: icontains
        value: "{{capital}}"
  - file: data/math.jsonl
    prompt: "{{question}}"
    assert: [{ type: contains, value: "{{answer}}" }]
  - id: inline-case
    prompt: Say hi.
`;

async function issuesOf(file: string): Promise<string[]> {
  const e = await loadSuite(file).then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(SuiteError);
  return (e as SuiteError).issues.map((i) => `${i.file}:${i.line ?? ''} ${i.path}: ${i.message}`);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-ds-'));
  write('data/capitals.csv', CSV);
  write('data/math.jsonl', JSONL);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('dataset file entries', () => {
  it('plans one case per row with templated ids, prompts and assertion values, beside inline cases', async () => {
    const suite = await loadSuite(write('both.yaml', suiteYaml(BOTH)));
    expect(suite.caseCount).toBe(6);
    const jobs = planJobs(suite);
    expect(jobs.map((j) => j.caseId)).toEqual(['capital-France', 'capital-Japan', 'capital-Peru', 'q1', 'q2', 'inline-case']);
    expect(jobs[1].messages.at(-1)!.content).toBe('What is the capital of Japan? One word.');
    expect(jobs[1].assert).toEqual([{ type: 'icontains', value: 'Tokyo' }]);
    expect(jobs[1].tags).toEqual(['asia']);
    expect(jobs[2].tags).toEqual(['americas', 'south']);
    expect(jobs[3].messages.at(-1)!.content).toBe('2+2?');
    expect(jobs[3].assert).toEqual([{ type: 'contains', value: '4' }]);
    expect(jobs[3].vars).toMatchObject({ id: 'q1', answer: 4 });
  });

  it('rejects the id a row would make when it is not a usable id, naming file and row', async () => {
    write('data/ci.csv', 'country\nFrance\n"Côte d\'Ivoire"\n');
    const issues = await issuesOf(write('bad-id.yaml', suiteYaml('  - file: data/ci.csv\n    id: "c-{{country}}"\n    prompt: "{{country}}"\n')));
    expect(issues).toEqual([expect.stringMatching(/data\/ci\.csv:3 row 2: case id `c-Côte d'Ivoire` is not usable/)]);
  });

  it('sends the templated prompt of every row to the server', async () => {
    const server: RecordingServer = await startRecordingServer();
    try {
      const yaml = `name: ds\nproviders:\n  rec: { type: openai-compatible, base_url: "${server.url}" }\nmodels: [rec:m]\ncases:\n` +
        '  - file: data/math.jsonl\n    prompt: "Q: {{question}}"\n';
      const outcome = await runSuite(write('run.yaml', yaml), { outDir: path.join(dir, 'out-run'), warmUp: false, allowInsecureHttp: true });
      const prompts = server.bodies.map((b) => (b.messages as { content: string }[]).at(-1)!.content).sort();
      expect(prompts).toEqual(['Q: 2+2?', 'Q: 3+3?']);
    } finally {
      await server.close();
    }
  });

  it('a row without a placeholder\'s column is an error naming the file and row', async () => {
    write('data/gap.jsonl', '{"country": "France"}\n{"nation": "Peru"}\n');
    const issues = await issuesOf(write('gap.yaml', suiteYaml('  - file: data/gap.jsonl\n    prompt: "Capital of {{country}}?"\n')));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/data\/gap\.jsonl:2 row 2: placeholder `\{\{country\}\}` has no value: the row has no `country` column \(columns: nation\)/);
  });

  it('a duplicate id between a file row and an inline case names both places', async () => {
    write('data/dup.csv', 'id,q\nhello,a\nunique,b\n');
    const issues = await issuesOf(write('dup.yaml', suiteYaml('  - id: hello\n    prompt: hi\n  - file: data/dup.csv\n    prompt: "{{q}}"\n')));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/data\/dup\.csv:2 row 1: duplicate case id `hello`: also used by .*dup\.yaml:4:\d+ cases\[0\]/);
  });

  it('reports an empty file, bad UTF-8, bad JSON and a bad CSV quote with their positions', async () => {
    write('data/empty.csv', 'q\n');
    write('data/latin1.jsonl', Buffer.concat([Buffer.from('{"q": "ok"}\n{"q": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]));
    write('data/broken.jsonl', '{"q": "ok"}\n{"q": \n');
    write('data/quote.csv', 'q,a\nfine,1\nbad "quote,2\n');
    const one = async (file: string) => (await issuesOf(write(`${file}.yaml`, suiteYaml(`  - file: data/${file}\n    prompt: "{{q}}"\n`))))[0];
    expect(await one('empty.csv')).toMatch(/data\/empty\.csv: : the dataset has no rows/);
    expect(await one('latin1.jsonl')).toMatch(/data\/latin1\.jsonl:2 : bad encoding: the text is not valid UTF-8/);
    expect(await one('broken.jsonl')).toMatch(/data\/broken\.jsonl:2 row 2: not valid JSON/);
    expect(await one('quote.csv')).toMatch(/data\/quote\.csv:3 : bad CSV: .*quote/i);
    expect(await one('missing.csv')).toMatch(/dataset file not found/);
  });

  it('reads JSON arrays and YAML lists with each row\'s line', async () => {
    write('data/rows.json', '[\n  {"q": "a"},\n  {"x": "b"}\n]\n');
    write('data/rows.yaml', '- q: c\n- q: d\n');
    const issues = await issuesOf(write('docs.yaml', suiteYaml('  - file: data/rows.json\n    prompt: "{{q}}"\n')));
    expect(issues).toEqual([expect.stringMatching(/data\/rows\.json:3 row 2: placeholder `\{\{q\}\}`/)]);
    const suite = await loadSuite(write('docs-ok.yaml', suiteYaml('  - file: data/rows.yaml\n    prompt: "{{q}}"\n')));
    expect(planJobs(suite).map((j) => [j.caseId, j.messages[0].content])).toEqual([['rows-1', 'c'], ['rows-2', 'd']]);
  });

  it('takes prompt, tags and threshold from row columns when the entry does not set them', async () => {
    write('data/own.csv', 'id,prompt,tags,threshold\nfirst,Say {{id}},"a, b",0.5\n');
    const suite = await loadSuite(write('own.yaml', suiteYaml('  - file: data/own.csv\n')));
    const [job] = planJobs(suite);
    expect(job).toMatchObject({ caseId: 'first', tags: ['a', 'b'], threshold: 0.5 });
    expect(job.messages[0].content).toBe('Say first');
  });

  it('--filter works on ids and tags from files; --limit and sample pick reproducible subsets', async () => {
    const suite = await loadSuite(write('both2.yaml', suiteYaml(BOTH.replace('capital-{{country}}', 'cap{{capital}}'))));
    expect(makePlan(suite, { filter: ['asia', 'q2'] }).count).toBe(2);
    expect(planJobs(suite, { filter: ['asia', 'q2'] }).map((j) => j.caseId)).toEqual(['capTokyo', 'q2']);
    expect(() => makePlan(suite, { filter: ['asai'] })).toThrow(/did you mean: `asai` -> `asia`/i);
    expect(planJobs(suite, { limit: 2 }).map((j) => j.caseId)).toEqual(['capParis', 'capTokyo']);
    expect(makePlan(suite, { limit: 2 }).count).toBe(2);

    write('data/many.jsonl', Array.from({ length: 50 }, (_, i) => JSON.stringify({ n: i })).join('\n'));
    const sampled = (seed: number) => loadSuite(write(`s${seed}.yaml`, suiteYaml(`  - file: data/many.jsonl\n    prompt: "{{n}}"\n    sample: { n: 5, seed: ${seed} }\n`)));
    const a = planJobs(await sampled(7)).map((j) => j.caseId);
    expect(a).toHaveLength(5);
    expect((await sampled(7)).caseCount).toBe(5);
    expect(planJobs(await sampled(7)).map((j) => j.caseId)).toEqual(a);
    expect(planJobs(await sampled(8)).map((j) => j.caseId)).not.toEqual(a);
    expect([...a].sort((x, y) => Number(x.split('-')[1]) - Number(y.split('-')[1]))).toEqual(a);
  });
});

describe('a 100,000-row JSONL dataset', () => {
  it('validates and estimates in bounded memory (< 300 MB peak RSS) through the CLI', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(JSON.stringify({ q: `Question number ${i}: what is ${i} + ${i}?`, a: 2 * i }));
    write('data/big.jsonl', lines.join('\n') + '\n');
    const suite = write('big.yaml', suiteYaml('  - file: data/big.jsonl\n    prompt: "{{q}}"\n    assert: [{ type: contains, value: "{{a}}" }]\n', 'defaults: { max_completion_tokens: 16 }\n'));
    const bin = path.resolve(import.meta.dirname, '../../bin/evalbench.js');
    // The child reports its own peak RSS (kB on Linux) after the command finished.
    const probe = path.join(dir, 'probe.mjs');
    fs.writeFileSync(probe, `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n`);
    const peak = (args: string[]) => {
      const res = spawnSync(process.execPath, ['--import', probe, bin, ...args], { encoding: 'utf8', timeout: 240_000 });
      expect(res.status, res.stderr).toBe(0);
      return { out: res.stdout, mb: Number(/MAXRSS (\d+)/.exec(res.stderr)?.[1]) / 1024 };
    };
    const v = peak(['validate', suite]);
    expect(v.out).toMatch(/ok: .*big\.yaml \(100000 cases, 100000 jobs\)/);
    const e = peak(['estimate', suite]);
    expect(e.out).toMatch(/100000|100,000/);
    console.log(`peak RSS: validate ${v.mb.toFixed(0)} MB, estimate ${e.mb.toFixed(0)} MB`);
    expect(v.mb).toBeLessThan(300);
    expect(e.mb).toBeLessThan(300);
  }, 300_000);
});
