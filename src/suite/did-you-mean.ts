/**
 * Edit distance counting insertions, deletions, substitutions and swaps of neighbours
 * (`hgih` -> `high` is 1), each costing 1 (optimal string alignment). Small inputs only: O(a*b).
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // three rolling rows: i-2, i-1, i
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j - 1] + cost, prev[j] + 1, cur[j - 1] + 1);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length];
}

/**
 * Names people reach for from other tools (promptfoo, the OpenAI API): edit distance
 * cannot find these, so they are listed. Used only when the target is actually allowed.
 */
const ALIASES: Record<string, string[]> = {
  max_tokens: ['max_completion_tokens'],
  maxTokens: ['max_completion_tokens'],
  tests: ['cases'],
  prompts: ['cases'],
  model: ['models'],
  effort: ['reasoning_effort'],
  reasoning_efforts: ['reasoning_effort'],
  efforts: ['reasoning_effort'],
  system_prompt: ['system'],
  assertions: ['assert', 'default_assert'],
  asserts: ['assert', 'default_assert'],
  assert: ['default_assert'],
  variables: ['vars'],
  timeout: ['timeout_ms'],
  baseUrl: ['base_url'],
  baseURL: ['base_url'],
  url: ['base_url'],
  apiKeyEnv: ['api_key_env'],
  api_key: ['api_key_env'],
  retries: ['retry'],
  repeat: ['repeats'],
  name: ['id'],
};

/** The closest candidate to `input`, or undefined when none is close enough to be a plausible typo. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  for (const alias of Object.hasOwn(ALIASES, input) ? ALIASES[input] : []) if (list.includes(alias)) return alias;
  const lower = input.toLowerCase();
  // Roughly one typo per three characters, at most 3: `promt` -> `prompt`, but `foo` matches nothing.
  const limit = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of list) {
    const d = levenshtein(lower, c.toLowerCase());
    if (d < bestDist && d <= limit) {
      best = c;
      bestDist = d;
    }
  }
  return best;
}
