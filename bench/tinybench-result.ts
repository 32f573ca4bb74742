/**
 * Reads a tinybench task result whatever the installed major: v2 (hz, mean, samples) as vitest
 * pulls in, or v5/v6 (throughput/latency statistics, `state`). Throws the task's own error.
 */
export interface TaskStats {
  hz: number;
  meanMs: number;
  samples: number;
}

export function taskStats(task: { name: string; result?: unknown }): TaskStats {
  const r = task.result as Record<string, any> | undefined;
  if (!r) throw new Error(`tinybench task "${task.name}" has no result`);
  if (r.error) throw r.error;
  if (r.state !== undefined && r.state !== 'completed') throw new Error(`tinybench task "${task.name}" ended in state ${r.state}`);
  const hz = Number(r.throughput?.mean ?? r.hz);
  const meanMs = Number(r.latency?.mean ?? r.mean);
  const samples = Number(r.latency?.samplesCount ?? r.latency?.samples?.length ?? r.samples?.length ?? NaN);
  return { hz, meanMs, samples };
}
