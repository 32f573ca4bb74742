// `validate` refuses the base URLs `run` refuses (issue 17), each at its line and column.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../../bin/evalbench.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-validate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function validate(baseUrl: string, ...flags: string[]) {
  const file = path.join(dir, 'suite.yaml');
  fs.writeFileSync(file, `name: u\nproviders:\n  p:\n    type: openai-compatible\n    base_url: ${baseUrl}\nmodels: [p:m]\ncases:\n  - { id: a, prompt: "hi" }\n`);
  return spawnSync(process.execPath, [bin, 'validate', file, ...flags], { encoding: 'utf8', timeout: 60_000 });
}

describe('validate applies the URL policy of run', () => {
  it('credentials in the URL: exit 2 at the line, the password not quoted', () => {
    const r = validate('https://user:sk-secret-123@api.example.com/v1');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:5:15 providers\.p\.base_url: https:\/\/api\.example\.com\/v1 includes credentials/);
    expect(r.stderr + r.stdout).not.toContain('sk-secret-123');
  });

  it('plain http to another machine: exit 2, unless --allow-insecure-http', () => {
    const r = validate('http://10.0.0.5:8000/v1');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/suite\.yaml:5:15 .*plain http to another machine/);
    expect(validate('http://10.0.0.5:8000/v1', '--allow-insecure-http').status).toBe(0);
  });

  it('https with an Azure-style query string is fine', () => {
    const r = validate('"https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21"');
    expect(r.status, r.stderr).toBe(0);
  });
});
