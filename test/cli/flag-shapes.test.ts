import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { COMMANDS } from '../../src/cli/command-table.ts';
import { RUN_FLAGS } from '../../src/cli/commands/run.ts';
import { ESTIMATE_FLAGS } from '../../src/cli/commands/estimate.ts';
import { VALIDATE_FLAGS } from '../../src/cli/commands/suite-tools.ts';
import { COMPARE_FLAGS, MERGE_FLAGS, REPORT_FLAGS } from '../../src/cli/commands/run-folders.ts';
import { INIT_FLAGS } from '../../src/cli/commands/init.ts';
import { SIM_FLAGS } from '../../src/cli/commands/sim.ts';

const SHAPES: Record<string, z.ZodObject> = {
  run: RUN_FLAGS, estimate: ESTIMATE_FLAGS, validate: VALIDATE_FLAGS, report: REPORT_FLAGS,
  merge: MERGE_FLAGS, compare: COMPARE_FLAGS, init: INIT_FLAGS, sim: SIM_FLAGS,
};

describe('flag shapes', () => {
  it('every command declares exactly the flags its zod shape types', async () => {
    const program = new Command();
    for (const register of new Set(await Promise.all(COMMANDS.map((c) => c.load())))) register(program, () => {});
    for (const cmd of program.commands) {
      const flags = cmd.options.map((o) => o.attributeName()).sort();
      const shape = SHAPES[cmd.name()];
      expect(Object.keys(shape?.shape ?? {}).sort(), cmd.name()).toEqual(flags);
    }
    expect(program.commands.map((c) => c.name()).sort()).toEqual([...Object.keys(SHAPES), 'schema'].sort());
  });
});
