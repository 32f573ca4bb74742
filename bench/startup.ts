/**
 * Startup: how long `evalbench --help` and `evalbench validate` take as whole processes, against
 * `node -e 0` on the same machine in the same rounds (the installed bin runs the compiled dist/).
 * Rounds alternate the three commands (rotating which goes first), and each round's ratio is
 * taken within the round, so a burst of outside load moves one round, not the median.
 * Run alone: `npm run build && node --import tsx bench/startup.ts [rounds]`.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmt, renderTable } from './table.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const BIN = path.join(REPO, 'bin/evalbench.js');

/** The goals: wall time as a multiple of `node -e 0`. */
export const STARTUP_GOALS = { help: 3, validate: 4 } as const;

const COMMANDS = {
  node: ['-e', '0'],
  help: [BIN, '--help'],
  validate: [BIN, 'validate', path.join(REPO, 'suites/example.yaml')],
} as const;
type Which = keyof typeof COMMANDS;

export interface Spread { median: number; min: number; max: number }
export interface StartupResult {
  rounds: number;
  /** Wall milliseconds per command. */
  wallMs: Record<Which, Spread>;
  /** Per-round ratio to `node -e 0`. */
  ratio: { help: Spread; validate: Spread };
}

function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

function timeOnce(which: Which): number {
  const { EVALBENCH_FROM_SOURCE: _src, ...env } = process.env;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, COMMANDS[which], { env, stdio: 'ignore' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`startup: \`node ${COMMANDS[which].join(' ')}\` exited ${r.status} (run \`npm run build\` first)`);
  return ms;
}

export function runStartup(rounds = 9): StartupResult {
  const order: Which[] = ['node', 'help', 'validate'];
  for (const w of order) timeOnce(w); // warm the file cache
  const wall: Record<Which, number[]> = { node: [], help: [], validate: [] };
  const help: number[] = [];
  const validate: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const round = [...order.slice(i % 3), ...order.slice(0, i % 3)];
    const t = {} as Record<Which, number>;
    for (const w of round) t[w] = timeOnce(w);
    for (const w of order) wall[w].push(t[w]);
    help.push(t.help / t.node);
    validate.push(t.validate / t.node);
  }
  return {
    rounds,
    wallMs: { node: spread(wall.node), help: spread(wall.help), validate: spread(wall.validate) },
    ratio: { help: spread(help), validate: spread(validate) },
  };
}

const fmtSpread = (s: Spread, digits = 1) => `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]`;

/** One line per goal: met, or MISSED and by how much. */
export function startupVerdicts(r: StartupResult): string[] {
  return (['help', 'validate'] as const).map((k) => {
    const goal = STARTUP_GOALS[k];
    const got = r.ratio[k].median;
    const what = k === 'help' ? '`evalbench --help`' : '`evalbench validate`';
    return got <= goal
      ? `met: ${what} ${fmt(got, 2)}× node -e 0 (goal ≤ ${goal}×)`
      : `MISSED: ${what} ${fmt(got, 2)}× node -e 0, goal ≤ ${goal}× (over by ${fmt(got - goal, 2)}×)`;
  });
}

export function renderStartup(r: StartupResult): string {
  const rows = (['node', 'help', 'validate'] as const).map((k) => [
    k === 'node' ? 'node -e 0' : k === 'help' ? 'evalbench --help' : 'evalbench validate suites/example.yaml',
    fmtSpread(r.wallMs[k]),
    k === 'node' ? '1' : fmtSpread(r.ratio[k], 2),
    k === 'node' ? '' : `≤ ${STARTUP_GOALS[k]}×`,
  ]);
  return renderTable(`Startup (${r.rounds} alternating rounds, median [min–max])`,
    ['command', 'wall ms', '× node -e 0', 'goal'], rows, startupVerdicts(r));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(renderStartup(runStartup(Number(process.argv[2]) || 9)) + '\n');
}
