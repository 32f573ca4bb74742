import type { StartupResult } from './startup.ts';
import type { SectionName } from './config.ts';
import type { MachineInfo } from './machine.ts';
import type { MicroResult } from './micro.ts';
import type { PairedResult } from './paired.ts';
import type { ThroughputResult } from './throughput.ts';
import type { ScaleResult } from './scale.ts';
import type { OpenLoopResult } from './open-loop.ts';
import type { GoalCheck } from './goals.ts';

/** Everything one `npm run bench` measured: results/bench/<date>.json. */
export interface BenchReport {
  date: string;
  startedAt: string;
  scale: string;
  machine: MachineInfo;
  loadAvgAtEnd: number;
  wallSec: number;
  startup?: StartupResult;
  micro?: MicroResult;
  paired?: PairedResult;
  throughput?: ThroughputResult;
  openLoop?: OpenLoopResult;
  memory?: ScaleResult;
  /** Sections registered from elsewhere (bench/startup.ts), by name. */
  extra: Record<string, unknown>;
  goals: GoalCheck[];
  failures: { section: string; error: string }[];
}

export type { SectionName };
