import { FailTimesRegistry, type FaultRates } from './faults.ts';
import { resolveModels, type SimModel, type SimModelOverride } from './models.ts';
import { PromptCache } from './prompt-cache.ts';
import { TimingLog } from './timing-log.ts';

export interface SimulatorOptions {
  /** Default 0: the OS picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (never listens beyond loopback unless told to). */
  host?: string;
  /** Seeds every random choice (answers, delays, faults). Default 42. */
  seed?: number;
  /** Override built-in models field by field, or add new ones (based on `fast`). */
  models?: Record<string, SimModelOverride>;
  /** Global random faults, laid over every model's own. */
  faults?: Partial<FaultRates>;
  /** Exact TTFT for every request (no distribution, no prefill): for precision tests and benchmarks. */
  fixedTtftMs?: number;
  /** Exact inter-token delay for every request. */
  fixedItlMs?: number;
}

export interface SimulatorStats {
  /** Chat-completion requests received. */
  requests: number;
  inFlight: number;
  maxInFlight: number;
}

/** Distinct request keys remembered for occurrence counts before the map is reset (bounded memory). */
const MAX_COUNTER_KEYS = 200_000;

/** Everything one running simulator remembers between requests. */
export class SimState {
  readonly seed: number;
  readonly models: Map<string, SimModel>;
  readonly promptCache = new PromptCache();
  readonly failTimes = new FailTimesRegistry();
  readonly timings = new TimingLog();
  readonly stats: SimulatorStats = { requests: 0, inFlight: 0, maxInFlight: 0 };
  /** Unix seconds stamped into every body, as `created`. */
  readonly created = Math.floor(Date.now() / 1000);
  private readonly occurrences = new Map<string, number>();
  private idCounter = 0;

  constructor(readonly options: SimulatorOptions) {
    this.seed = options.seed ?? 42;
    this.models = resolveModels(options.models);
  }

  /** A served model by name, with or without the `sim:` prefix. */
  lookupModel(name: string): [string, SimModel] | undefined {
    const bare = name.startsWith('sim:') ? name.slice(4) : name;
    const m = this.models.get(bare);
    return m ? [bare, m] : undefined;
  }

  /** How many times `key` was seen before (0 the first time). */
  nextOccurrence(key: string): number {
    const n = this.occurrences.get(key) ?? 0;
    if (this.occurrences.size >= MAX_COUNTER_KEYS && n === 0) this.occurrences.clear();
    this.occurrences.set(key, n + 1);
    return n;
  }

  nextId(): string {
    return `chatcmpl-sim-${(++this.idCounter).toString(36)}`;
  }

  /** Count a chat request in flight until its response closes. */
  track(res: { on(event: 'close', fn: () => void): unknown }): void {
    const s = this.stats;
    s.requests++;
    s.inFlight++;
    if (s.inFlight > s.maxInFlight) s.maxInFlight = s.inFlight;
    res.on('close', () => s.inFlight--);
  }
}
