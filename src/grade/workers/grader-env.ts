/**
 * The environment javascript graders get: only the variables the suite lists in `grading.env`
 * (and that are set). Everything else — provider API keys above all — is left out.
 */
export function graderEnv(allowed: readonly string[] | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allowed ?? []) {
    const v = env[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
