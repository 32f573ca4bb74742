import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../helpers/fake-openai-server.ts';
import { runCli } from '../helpers/run-cli.ts';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
let server: FakeServer;

async function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd: dir, env });
}

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-bad-'));
  server = await startFakeServer();
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bad input exits 2 with a message that says where', () => {
  it('malformed YAML names file:line:col', async () => {
    const f = write('broken.yaml', 'name: x\nmodels: [sim:fast\ncases:\n  - id: a\n    prompt: hi\n');
    const r = await cli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:\d+:\d+/);
  });

  it('a schema violation names the path, position and what was expected', async () => {
    const f = write('schema.yaml', 'name: x\nmodels: [sim:fast]\ncases:\n  - id: a\n    prompt: hi\n    temperature: 3\n');
    const r = await cli(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('schema.yaml:6:');
    expect(r.stderr).toContain('temperature');
  });

  it('an unknown key gets a did-you-mean', async () => {
    const f = write('typo.yaml', 'name: x\nmodels: [sim:fast]\ncases:\n  - id: a\n    prompt: hi\n    temprature: 1\n');
    const r = await cli(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/temprature/);
    expect(r.stderr).toMatch(/did you mean .?temperature/);
  });

  it('duplicate case ids are named', async () => {
    const f = write('dup.yaml', 'name: x\nmodels: [sim:fast]\ncases:\n  - id: a\n    prompt: hi\n  - id: a\n    prompt: again\n');
    const r = await cli(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dup\.yaml:6:\d+/);
    expect(r.stderr).toMatch(/duplicate/i);
  });

  it('an unknown provider is named', async () => {
    const f = write('prov.yaml', 'name: x\nmodels: [nosuch:model]\ncases:\n  - id: a\n    prompt: hi\n');
    const r = await cli(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nosuch');
  });

  it('an unknown flag is named', async () => {
    const f = write('ok.yaml', 'name: x\nmodels: [sim:fast]\ncases:\n  - id: a\n    prompt: hi\n');
    const r = await cli(['run', f, '--concurrancy', '4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--concurrancy');
  });

  it('a bad flag value is named', async () => {
    const f = write('ok2.yaml', 'name: x\nmodels: [sim:fast]\ncases:\n  - id: a\n    prompt: hi\n');
    const r = await cli(['run', f, '--efforts', 'extreme']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--efforts');
    expect(r.stderr).toContain('extreme');
  });

  it('a missing API key is reported before any request is sent', async () => {
    const f = write('key.yaml', [
      'name: x', 'providers:', '  fake:', '    type: openai-compatible', `    base_url: ${server.url}`,
      '    api_key_env: EVALBENCH_TEST_UNSET_KEY', 'models: [fake:m]', 'cases:', '  - id: a', '    prompt: hi',
    ].join('\n'));
    const before = [...server.hits.values()].reduce((a, b) => a + b.length, 0);
    const r = await cli(['run', f, '--out', path.join(dir, 'out-key')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('EVALBENCH_TEST_UNSET_KEY');
    const after = [...server.hits.values()].reduce((a, b) => a + b.length, 0);
    expect(after).toBe(before);
  });

  it('vigthoria without VIGTHORIA_API_KEY names the variable', async () => {
    const r = await cli(['run', path.join(root, 'suites/smoke.yaml')], { VIGTHORIA_API_KEY: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VIGTHORIA_API_KEY');
  });
});
