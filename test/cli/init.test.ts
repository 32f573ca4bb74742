import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { writeStarter } from '../../src/cli/commands/init.ts';
import { loadSuite } from '../../src/suite/load-suite.ts';
import { runCli } from '../helpers/run-cli.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-init-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function cli(cwd: string, args: string[]) {
  return runCli(args, { cwd });
}

describe('evalbench init', () => {
  it('--yes in an empty folder writes a suite that validates and runs on the simulator at once (exit 0)', async () => {
    const dir = tmp();
    const init = await cli(dir, ['init', '--yes']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('wrote evalbench.yaml');
    const suiteText = fs.readFileSync(path.join(dir, 'evalbench.yaml'), 'utf8');
    expect(suiteText.split('\n')[0]).toBe('# yaml-language-server: $schema=./suite.schema.json');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'suite.schema.json'), 'utf8')).properties.cases).toBeDefined();
    const wf = parse(fs.readFileSync(path.join(dir, '.github/workflows/evalbench.yml'), 'utf8'));
    expect(JSON.stringify(wf.jobs.evalbench.steps)).toContain('npx evalbench run evalbench.yaml');

    const validate = await cli(dir, ['validate', 'evalbench.yaml']);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('ok: evalbench.yaml');
    const r = await cli(dir, ['run', 'evalbench.yaml', '--progress', 'off']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('sim:fast');
  }, 120_000);

  it('refuses to replace existing files (exit 2, nothing written)', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'evalbench.yaml'), 'mine\n');
    const r = await cli(dir, ['init', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('init would replace');
    expect(fs.readFileSync(path.join(dir, 'evalbench.yaml'), 'utf8')).toBe('mine\n');
    expect(fs.existsSync(path.join(dir, '.github'))).toBe(false);
  });

  it('a custom OpenAI-compatible server and a preset both give valid suites', async () => {
    const custom = tmp();
    writeStarter(custom, { provider: 'custom', models: ['qwen'], efforts: ['low', 'high'], baseUrl: 'http://localhost:6556/v1', apiKeyEnv: 'LOCAL_KEY' });
    const s = await loadSuite(path.join(custom, 'evalbench.yaml'));
    expect(s.models).toEqual(['custom:qwen']);
    expect(s.reasoning_effort).toEqual(['low', 'high']);
    expect(s.providers?.custom).toMatchObject({ base_url: 'http://localhost:6556/v1', api_key_env: 'LOCAL_KEY' });
    expect(fs.readFileSync(path.join(custom, '.github/workflows/evalbench.yml'), 'utf8')).toContain('LOCAL_KEY: ${{ secrets.LOCAL_KEY }}');
    const preset = tmp();
    writeStarter(preset, { provider: 'vigthoria', models: ['v2-code'], efforts: [] });
    expect((await loadSuite(path.join(preset, 'evalbench.yaml'))).models).toEqual(['vigthoria:v2-code']);
  });
});
