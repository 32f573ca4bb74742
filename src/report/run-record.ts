import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors/input-error.ts';
import type { ClockOffset } from '../measure/clock-offset.ts';

/** File in every run folder that says which plan, and which slice of it, the rows belong to. */
export const RUN_RECORD_FILE = 'run.json';

/** A whole-run budget and the part of it this shard enforced (equal when unsharded). */
export interface BudgetRecord {
  total: number;
  share: number;
}

/** run.json: written once, before the first request, so even a crashed shard can be identified. */
export interface RunRecord {
  record_version: 1;
  suite: string;
  evalbench_version: string;
  /** planFingerprint() of the resolved plan (the whole plan, not the shard's slice). */
  plan_fingerprint: string;
  /** 1/1 when the run was not sharded. `source`: the engine `--shard auto` read it from. */
  shard: { index: number; count: number; source?: string };
  jobs: { planned: number; in_shard: number };
  /** Budgets given for the whole run and this shard's share (budgetShare). */
  budgets: { max_cost_usd?: BudgetRecord; max_tokens?: BudgetRecord; max_requests?: BudgetRecord };
  /** `--start-at`, ISO-8601; null when the run started at once. */
  start_at: string | null;
  /** This machine's clock against the first provider's Date header; null when not measured. */
  clock: ClockOffset | null;
}

export async function writeRunRecord(dir: string, record: RunRecord): Promise<void> {
  const path = join(dir, RUN_RECORD_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(record, null, 2) + '\n', 'utf8');
  await rename(tmp, path);
}

/** The folder's run.json; null when it has none (written by an evalbench before 0.1.0's shard records). */
export async function readRunRecord(dir: string): Promise<RunRecord | null> {
  let text: string;
  try {
    text = await readFile(join(dir, RUN_RECORD_FILE), 'utf8');
  } catch {
    return null;
  }
  let r: Partial<RunRecord> | null = null;
  try {
    r = JSON.parse(text) as Partial<RunRecord>;
  } catch {
    // reported below
  }
  if (!r || r.record_version !== 1 || typeof r.plan_fingerprint !== 'string' || !r.shard || !r.jobs) {
    throw new InputError(
      'RUN_RECORD_INVALID',
      `${join(dir, RUN_RECORD_FILE)} is damaged or not a run record of this evalbench (record_version 1): run that shard again`,
    );
  }
  return r as RunRecord;
}
