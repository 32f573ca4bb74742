import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.ts';
import { runSuite } from '../../src/session/index.ts';
import { startRecordingServer } from '../helpers/recording-server.ts';

let dir: string;
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
const bin = path.resolve(import.meta.dirname, '../../bin/evalbench.js');
const suiteFor = (url: string, model: string) =>
  `name: mc\nproviders:\n  provider: { type: openai-compatible, base_url: "${url}" }\nmodels: [${model}]\ncases:\n  - { id: a, prompt: hi }\n`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evalbench-mc-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('model names checked before any request', () => {
  it('provider:modle against a server that lists its models is exit 2 with "did you mean", and nothing is sent', async () => {
    const server = await startRecordingServer({ models: ['model', 'other-model'] });
    try {
      // Asynchronous: the server answers from this process.
      const r = await promisify(execFile)(process.execPath, [bin, 'run', write('typo.yaml', suiteFor(server.url, 'provider:modle')), '--out', path.join(dir, 'o1')], { encoding: 'utf8', env: { ...process.env, CI: 'true' } })
        .then((x) => ({ status: 0, stderr: x.stderr }), (e: { code: number; stderr: string }) => ({ status: e.code, stderr: e.stderr }));
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/model `provider:modle` is not listed by provider \(GET \/models\); did you mean `provider:model`\?/);
      expect(server.bodies).toHaveLength(0);
      expect(server.paths.filter((p) => p.startsWith('POST'))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a listed name runs; a server without /models is not checked and says so once; --no-model-check skips the check', async () => {
    const listed = await startRecordingServer({ models: ['model'] });
    const unlisted = await startRecordingServer();
    try {
      const ok = await runSuite(write('ok.yaml', suiteFor(listed.url, 'provider:model')), { outDir: path.join(dir, 'o2'), warmUp: false });
      expect(listed.bodies).toHaveLength(1);
      expect(ok.warnings.filter((w) => /not checked/.test(w))).toEqual([]);

      const two = `name: mc\nproviders:\n  provider: { type: openai-compatible, base_url: "${unlisted.url}" }\nmodels: [provider:a, provider:b]\ncases:\n  - { id: a, prompt: hi }\n`;
      const free = await runSuite(write('free.yaml', two), { outDir: path.join(dir, 'o3'), warmUp: false });
      expect(free.warnings.filter((w) => /not checked/.test(w))).toEqual(['provider provider: model names not checked (GET /models answered HTTP 404); use --no-model-check to skip the check']);
      expect(unlisted.bodies).toHaveLength(2);

      const typo = write('typo2.yaml', suiteFor(listed.url, 'provider:modle'));
      await expect(runSuite(typo, { outDir: path.join(dir, 'o4'), warmUp: false })).rejects.toBeInstanceOf(InputError);
      const before = listed.paths.length;
      await runSuite(typo, { outDir: path.join(dir, 'o5'), warmUp: false, modelCheck: false });
      expect(listed.paths.slice(before)).toEqual(['POST /v1/chat/completions']);
    } finally {
      await listed.close();
      await unlisted.close();
    }
  });

  it('the simulator\'s models are checked too: sim:fastt stops the run before it starts', async () => {
    const yaml = 'name: mc\nmodels: [sim:fastt]\ncases:\n  - { id: a, prompt: hi }\n';
    await expect(runSuite(write('sim.yaml', yaml), { outDir: path.join(dir, 'o6'), warmUp: false })).rejects.toThrow(/did you mean `sim:fast`/);
  });

  it('validate checks built-in providers against their documented models, offline', () => {
    const file = write('preset.yaml', 'name: mc\nmodels: [sim:fastt, vigthoria:v2-cod, vigthoria:v2-code]\ncases:\n  - { id: a, prompt: hi }\n');
    const r = spawnSync(process.execPath, [bin, 'validate', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/preset\.yaml:2:\d+ models\[0\]: `fastt` is not a model sim documents .*did you mean `sim:fast`\?/);
    expect(r.stderr).toMatch(/preset\.yaml:2:\d+ models\[1\]: `v2-cod` is not a model vigthoria documents .*did you mean `vigthoria:v2-code`\?/);
    expect(r.stderr).not.toMatch(/models\[2\]/);
  }, 60_000);
});
