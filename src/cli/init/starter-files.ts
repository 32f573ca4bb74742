/** What `evalbench init` writes: a starter suite for the chosen provider and a CI workflow. */

export interface InitAnswers {
  /** A preset (sim, vigthoria, vivgrid, openai) or 'custom' (any OpenAI-compatible URL). */
  provider: string;
  models: string[];
  efforts: string[];
  /** custom only. */
  baseUrl?: string;
  apiKeyEnv?: string;
}

export const PROVIDER_CHOICES = ['sim', 'vigthoria', 'vivgrid', 'openai', 'custom'] as const;

/** Model names offered by default per provider (the seeded APIs' and the simulator's). */
export const DEFAULT_MODELS: Record<string, string[]> = {
  sim: ['fast', 'slow'],
  vigthoria: ['v2-code'],
  vivgrid: ['managed'],
  openai: ['gpt-4o-mini'],
  custom: ['my-model'],
};

export const KEY_ENV: Record<string, string> = {
  vigthoria: 'VIGTHORIA_API_KEY',
  vivgrid: 'VIVGRID_API_KEY',
  openai: 'OPENAI_API_KEY',
};

const CASES = `cases:
  - id: math-multiply
    prompt: What is 17 * 23?
    tags: [math]
    assert:
      - { type: equals, value: "391" }

  - id: capital-france
    prompt: What is the capital of France?
    tags: [knowledge]
    assert:
      - { type: contains, value: Paris }

  - id: capital-japan
    description: "{{country}} is filled from the case's vars, in the prompt and in the check."
    prompt: What is the capital of {{country}}?
    vars: { country: Japan, capital: Tokyo }
    assert:
      - { type: contains, value: "{{capital}}" }

  - id: exact-reply
    prompt: "Reply with exactly: All systems go"
    assert:
      - { type: equals, value: "All systems go" }
`;

function providerBlock(a: InitAnswers): string {
  if (a.provider !== 'custom') return '';
  return `providers:
  custom:
    type: openai-compatible
    base_url: ${JSON.stringify(a.baseUrl ?? 'http://localhost:8000/v1')}
    api_key_env: ${a.apiKeyEnv ?? 'CUSTOM_API_KEY'}   # the key is read from this variable, never from a file

`;
}

export function starterSuite(a: InitAnswers, schemaFile: string): string {
  const key = a.provider === 'custom' ? a.apiKeyEnv ?? 'CUSTOM_API_KEY' : KEY_ENV[a.provider];
  const models = a.models.map((m) => `  - ${a.provider}:${m}`).join('\n');
  const efforts = a.efforts.length > 0 ? `reasoning_effort: [${a.efforts.join(', ')}]\n` : '# reasoning_effort: [low, high]   # run every model once per level\n';
  return `# yaml-language-server: $schema=${schemaFile}
#
# A starter suite written by \`evalbench init\`. Check it, then run it:
#   npx evalbench validate evalbench.yaml
#   npx evalbench run evalbench.yaml
${key ? `# The API key comes from the environment only: export ${key}=...\n` : '# sim:* models run on the built-in simulator: no key, no network.\n'}name: starter
description: A few checkable prompts to start from; replace them with your own.

${providerBlock(a)}models:
${models}
${efforts}
defaults:
  system: You are a precise assistant. Answer with the result only, no explanation.
  max_completion_tokens: 256

repeats: 2
concurrency: 8
timeout_ms: 30000

# Checks added to every case.
default_assert:
  - { type: finish-reason, value: stop }   # the answer was not cut off

${CASES}`;
}

export function workflow(a: InitAnswers, suiteFile: string): string {
  const key = a.provider === 'custom' ? a.apiKeyEnv ?? 'CUSTOM_API_KEY' : KEY_ENV[a.provider];
  const env = key ? `        env:\n          ${key}: \${{ secrets.${key} }}\n` : '';
  return `# Written by \`evalbench init\`: runs the suite on every push and pull request.
# The summary appears on the job's page; the run folder is kept as an artifact.
# Exit codes: 0 ok, 1 a gate or budget failed, 2 bad input, 3 the run could not complete.
name: evalbench
on: [push, pull_request]
jobs:
  evalbench:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 20 }
      - run: npm ci   # with evalbench in devDependencies (npm install -D evalbench)
      - run: npx evalbench validate ${suiteFile}
      - name: Run the suite
${env}        run: npx evalbench run ${suiteFile} --out results/ci --max-requests 500
      - uses: actions/upload-artifact@v4
        if: always()
        with: { name: evalbench-results, path: results/ci }
`;
}
