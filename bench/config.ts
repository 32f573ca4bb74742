/**
 * What `npm run bench` runs and how big, from the environment:
 * - BENCH_SCALE=quick|full (default full: the whole bench fits in 5 minutes on 2 cores)
 * - BENCH_ONLY=startup,micro,precision,throughput,scale,open-loop (default: all)
 * - BENCH_OUT=dir (default results/bench)
 * - BENCH_BUDGET_SEC=n (default 285): a scale run whose projected time would end the bench past
 *   this is skipped and reported as such (the acceptance is < 5 minutes on 2 cores)
 */
/** In run order: scale last, so it can use whatever time the budget has left. */
export const SECTIONS = ['startup', 'micro', 'precision', 'throughput', 'open-loop', 'scale'] as const;
export type SectionName = (typeof SECTIONS)[number];
export type BenchScale = 'quick' | 'full';

export interface BenchConfig {
  size: BenchScale;
  sections: ReadonlySet<SectionName>;
  outDir: string;
  budgetSec: number;
  micro: { timeMs: number; syntheticEvents: number; csvRows: number; statsSamples: number };
  precision: {
    ttftMs: number;
    itlMs: number;
    /** Tokens per answer (max_completion_tokens). */
    tokens: number;
    /** Concurrency -> requests per client (split into alternating rounds). */
    levels: { concurrency: number; requests: number }[];
    rounds: number;
  };
  throughput: { concurrency: number; durationSec: number; tokens: number };
  scale: { jobs: number[]; concurrency: number; tokens: number };
  openLoop: { rates: number[]; durationSec: number; tokens: number };
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

export function benchConfig(env: Record<string, string | undefined> = process.env): BenchConfig {
  const scale = parseScale(env.BENCH_SCALE);
  const full = scale === 'full';
  return {
    size: scale,
    sections: parseSections(env.BENCH_ONLY),
    outDir: env.BENCH_OUT || 'results/bench',
    budgetSec: positive(env.BENCH_BUDGET_SEC, 'BENCH_BUDGET_SEC') ?? 285,
    micro: { timeMs: full ? 300 : 150, syntheticEvents: 10_000, csvRows: full ? 10_000 : 5_000, statsSamples: 1_000_000 },
    precision: {
      ttftMs: 20,
      itlMs: 5,
      tokens: 16,
      levels: full
        ? [{ concurrency: 1, requests: 60 }, { concurrency: 64, requests: 3_840 }, { concurrency: 256, requests: 2_560 }]
        : [{ concurrency: 1, requests: 20 }, { concurrency: 64, requests: 256 }, { concurrency: 256, requests: 512 }],
      rounds: full ? 8 : 2,
    },
    throughput: { concurrency: 64, durationSec: full ? 6 : 3, tokens: 8 },
    scale: { jobs: full ? [1_000, 10_000, 100_000] : [1_000, 10_000], concurrency: 64, tokens: 4 },
    openLoop: { rates: [100, 500, 1_000], durationSec: full ? 5 : 2, tokens: 8 },
  };
}

function positive(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, not "${value}"`);
  return n;
}
