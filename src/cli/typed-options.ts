import { z } from 'zod';

/**
 * A command's parsed flags as the zod shape declared next to them: typed without casts, and a
 * flag added to the command but not to its shape (or of another type) fails every test that runs
 * the command instead of passing through as `any`. Commander has already checked each value (the
 * clear, user-facing errors, exit 2), so a mismatch here is a bug in evalbench, not bad input.
 */
export function readOptions<S extends z.ZodType>(command: string, shape: S, values: Record<string, unknown>): z.infer<S> {
  const parsed = shape.safeParse(values);
  if (!parsed.success) throw new Error(`evalbench ${command}: the parsed flags do not match the command's declared shape: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Shapes of flag values some parser already checked: only the type is declared here. */
export const optionalNumber = z.number().optional();
export const optionalBoolean = z.boolean().optional();
export const optionalString = z.string().optional();
