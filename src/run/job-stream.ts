import type { Job } from '../plan/types.ts';

/**
 * The jobs a run draws from. Warm-up and duration runs go through the plan more than once, so
 * they need a source that can be iterated again: an array, or a factory returning a fresh
 * iterable. A one-shot iterator (a generator object) yields a single pass.
 */
export type JobSource = Iterable<Job> | (() => Iterable<Job>);

/**
 * Id of a job drawn on a given pass. The first measured pass keeps the plan's ids (so results
 * line up with closed-loop runs and --resume); later passes of a duration run get `~2`, `~3`...;
 * warm-up passes get `~w1`, `~w2`... Ids therefore stay unique within results.jsonl.
 */
export function passJobId(id: string, pass: number, warmup: boolean): string {
  if (warmup) return `${id}~w${pass}`;
  return pass === 1 ? id : `${id}~${pass}`;
}

export interface StreamedJob {
  job: Job;
  /** 1-based pass through the source within its phase. */
  pass: number;
  warmup: boolean;
}

/** Draws jobs phase by phase: warm-up always cycles; the measured phase cycles when asked (duration runs). */
export class JobStream {
  private iter: Iterator<Job> | undefined;
  private pass = 0;
  private warmup = false;
  private passHadJobs = false;

  constructor(
    private readonly source: JobSource,
    private readonly cycleMeasured: boolean,
  ) {}

  /** Starts a phase from the first job of the source. */
  begin(warmup: boolean): void {
    this.warmup = warmup;
    this.pass = 1;
    this.iter = this.open();
    this.passHadJobs = false;
  }

  /** The next job, or undefined when the phase has no more (never, for a cycling phase over a non-empty source). */
  next(): StreamedJob | undefined {
    if (!this.iter) this.begin(false);
    for (;;) {
      const r = this.iter!.next();
      if (!r.done) {
        this.passHadJobs = true;
        const job = this.pass === 1 && !this.warmup ? r.value : { ...r.value, id: passJobId(r.value.id, this.pass, this.warmup) };
        return { job, pass: this.pass, warmup: this.warmup };
      }
      // An empty pass means the source is exhausted for good: stop instead of spinning.
      if (!(this.warmup || this.cycleMeasured) || !this.passHadJobs) return undefined;
      this.pass += 1;
      this.iter = this.open();
      this.passHadJobs = false;
    }
  }

  private open(): Iterator<Job> {
    const iterable = typeof this.source === 'function' ? this.source() : this.source;
    return iterable[Symbol.iterator]();
  }
}
