/**
 * What `npm run bench` runs and how big, from flags and the environment:
 * - `--quick` or BENCH_SCALE=quick|full (default full)
 * - BENCH_ONLY=micro,paired,throughput,open-loop,memory (default: all)
 * - BENCH_OUT=dir (default results/bench)
 * - BENCH_BUDGET_SEC=n (default 2400 full, 150 quick): a memory run whose projected time would
 *   end the bench past this is skipped and reported as such
 * - BENCH_WORKERS=n: every `evalbench run` gets `--workers n` (default: the CLI's, cores - 1, at least 1)
 */
/** In run order: memory last, so it can use whatever time the budget has left. */
export const SECTIONS = ['startup', 'micro', 'paired', 'throughput', 'open-loop', 'memory'] as const;
export type SectionName = (typeof SECTIONS)[number];
export type BenchScale = 'quick' | 'full';

/** The minimal SSE server's answer (bench/sse-server.mjs). */
export interface ServerShape {
  tokens: number;
  ttftMs: number;
  itlMs: number;
}

export interface BenchConfig {
  size: BenchScale;
  sections: ReadonlySet<SectionName>;
  outDir: string;
  budgetSec: number;
  micro: { timeMs: number; syntheticEvents: number; csvRows: number; statsSamples: number };
  /** TTFT of `evalbench run` vs the raw client, alternating rounds, each client in its own process. */
  paired: { server: ServerShape; concurrency: number; requestsPerRound: number; rounds: number };
  /** Closed-loop requests/s: autocannon, the raw client and `evalbench run` on one zero-delay server. */
  throughput: { server: ServerShape; concurrency: number; requestsPerRound: number; autocannonSec: number; rounds: number };
  openLoop: { server: ServerShape; rates: number[]; durationSec: number; rounds: number };
  /** Each size `rounds` times (peak RSS moves with GC timing: medians; the 1,000,000-job runs take ~3 min each). */
  memory: { jobs: number[]; rounds: number; concurrency: number; server: ServerShape };
}

export function parseSections(value: string | undefined): Set<SectionName> {
  if (value === undefined || value.trim() === '') return new Set(SECTIONS);
  const out = new Set<SectionName>();
  for (const raw of value.split(',')) {
    const s = raw.trim();
    if (!s) continue;
    if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`BENCH_ONLY: unknown section "${s}" (known: ${SECTIONS.join(', ')})`);
    out.add(s as SectionName);
  }
  return out;
}

export function parseScale(value: string | undefined): BenchScale {
  if (value === undefined || value === '' || value === 'full') return 'full';
  if (value === 'quick') return 'quick';
  throw new Error(`BENCH_SCALE must be quick or full, not "${value}"`);
}

export function benchConfig(env: Record<string, string | undefined> = process.env, argv: readonly string[] = []): BenchConfig {
  const scale = argv.includes('--quick') ? 'quick' : parseScale(env.BENCH_SCALE);
  const full = scale === 'full';
  const instant: ServerShape = { tokens: 16, ttftMs: 0, itlMs: 0 };
  return {
    size: scale,
    sections: parseSections(env.BENCH_ONLY),
    outDir: env.BENCH_OUT || 'results/bench',
    budgetSec: positive(env.BENCH_BUDGET_SEC, 'BENCH_BUDGET_SEC') ?? (full ? 2_400 : 150),
    micro: { timeMs: full ? 300 : 150, syntheticEvents: 10_000, csvRows: full ? 10_000 : 5_000, statsSamples: 1_000_000 },
    paired: { server: { tokens: 16, ttftMs: 20, itlMs: 5 }, concurrency: 64, requestsPerRound: full ? 1_280 : 512, rounds: 5 },
    throughput: { server: instant, concurrency: 64, requestsPerRound: full ? 4_000 : 1_500, autocannonSec: full ? 3 : 1.5, rounds: 5 },
    openLoop: { server: { tokens: 16, ttftMs: 10, itlMs: 2 }, rates: [1_000, 2_000], durationSec: full ? 5 : 3, rounds: full ? 5 : 1 },
    memory: { jobs: full ? [10_000, 100_000, 1_000_000] : [1_000, 10_000], rounds: full ? 5 : 1, concurrency: 64, server: { tokens: 4, ttftMs: 0, itlMs: 0 } },
  };
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, not "${value}"`);
  return n;
}
