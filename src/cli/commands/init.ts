import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command, OptionValues } from 'commander';
import { z } from 'zod';
import { InputError } from '../../errors/index.ts';
import { suiteJsonSchema } from '../../suite/index.ts';
import { EFFORTS } from '../../suite/schema.ts';
import { out, type SetExit } from '../console.ts';
import { DEFAULT_MODELS, KEY_ENV, PROVIDER_CHOICES, starterSuite, workflow, type InitAnswers } from '../init/starter-files.ts';
import { optionalBoolean, readOptions } from '../typed-options.ts';

export const INIT_FLAGS = z.strictObject({ yes: optionalBoolean, force: optionalBoolean });

const SUITE_FILE = 'evalbench.yaml';
const SCHEMA_FILE = 'suite.schema.json';
const WORKFLOW_FILE = path.join('.github', 'workflows', 'evalbench.yml');

export const DEFAULT_ANSWERS: InitAnswers = { provider: 'sim', models: DEFAULT_MODELS.sim, efforts: [] };

/** Questions on stderr, answers from stdin; Enter takes the default shown in brackets. */
async function ask(): Promise<InitAnswers> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const q = async (text: string, def: string) => (await rl.question(`${text} [${def}]: `)).trim() || def;
    let provider = '';
    while (!(PROVIDER_CHOICES as readonly string[]).includes(provider)) {
      provider = await q(`Provider (${PROVIDER_CHOICES.join(', ')}; custom = any OpenAI-compatible URL)`, 'sim');
    }
    const a: InitAnswers = { provider, models: [], efforts: [] };
    if (provider === 'custom') {
      a.baseUrl = await q('Base URL, up to /v1', 'http://localhost:8000/v1');
      a.apiKeyEnv = await q('Environment variable holding the API key', 'CUSTOM_API_KEY');
    }
    a.models = (await q('Models, comma-separated', DEFAULT_MODELS[provider].join(','))).split(',').map((s) => s.trim()).filter(Boolean);
    const efforts = await q(`Reasoning efforts, comma-separated (${EFFORTS.join(', ')}), or none to leave the field out`, 'none');
    a.efforts = efforts === 'none' ? [] : efforts.split(',').map((s) => s.trim()).filter((e) => (EFFORTS as readonly string[]).includes(e));
    return a;
  } finally {
    rl.close();
  }
}

/** Writes the starter files into `dir`; refuses (exit 2) to replace any that exist unless `force`. */
export function writeStarter(dir: string, a: InitAnswers, force = false): string[] {
  const files: [string, string][] = [
    [SUITE_FILE, starterSuite(a, `./${SCHEMA_FILE}`)],
    [SCHEMA_FILE, JSON.stringify(suiteJsonSchema(), null, 2) + '\n'],
    [WORKFLOW_FILE, workflow(a, SUITE_FILE)],
  ];
  const existing = files.map(([f]) => path.join(dir, f)).filter((f) => fs.existsSync(f));
  if (existing.length > 0 && !force) {
    throw new InputError('INIT_EXISTS', `init would replace ${existing.join(', ')}; nothing was written. Use another folder, or --force to replace them.`);
  }
  for (const [f, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return files.map(([f]) => path.join(dir, f));
}

/** `evalbench init [dir]`: a starter suite, its JSON Schema and a GitHub Actions workflow. */
export function registerInit(program: Command, _setExit: SetExit): void {
  program
    .command('init')
    .argument('[dir]', 'folder to write into', '.')
    .option('--yes', 'no questions: the simulator (sim:fast, sim:slow), no reasoning effort')
    .option('--force', 'replace files that already exist')
    .action(async (dir: string, values: OptionValues) => {
      const o = readOptions('init', INIT_FLAGS, values);
      const interactive = !o.yes && process.stdin.isTTY === true;
      const answers = interactive ? await ask() : DEFAULT_ANSWERS;
      const written = writeStarter(dir, answers, o.force);
      const suite = path.join(dir, SUITE_FILE);
      const key = answers.provider === 'custom' ? answers.apiKeyEnv : KEY_ENV[answers.provider];
      out([
        ...written.map((f) => `wrote ${f}`),
        '',
        'Next:',
        `  npx evalbench validate ${suite}`,
        ...(key ? [`  export ${key}=...   # the key is only ever read from the environment`] : []),
        `  npx evalbench run ${suite}`,
      ].join('\n'));
    });
}
