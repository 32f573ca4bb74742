import type { BenchReport } from './bench-report.ts';
import { fmtSpread } from './spread.ts';
import { fmt, fmtInt } from './table.ts';

/** The README's "Performance" section for one bench run: key numbers and the machine they came from. */
export function renderPerformanceMarkdown(r: BenchReport): string {
  const m = r.machine;
  const lines: string[] = [
    '## Performance',
    '',
    `Measured by \`npm run bench\` (${r.scale}) on ${r.date}: ${m.cpu}, ${m.cores} cores, ${fmtInt(m.totalMemMb)} MB RAM, ${m.os}, Node ${m.node}. ` +
      `Load average ${m.loadAvg1} at start, ${r.loadAvgAtEnd} at end${m.loadAvg1 > m.cores * 0.5 ? ' (a busy machine: timings are noisy)' : ''}. ` +
      `Every client runs in its own process (\`evalbench run\` as users run it); the server is bench/sse-server.mjs in its own process. ` +
      `Medians over rounds with [min–max]; raw data in \`results/bench/${r.date}.json\`.`,
    '',
    '| measurement | result |',
    '|---|---|',
  ];
  const p = r.paired;
  if (p) {
    lines.push(`| TTFT overhead of \`evalbench run\` above a raw node:http client, ${p.concurrency} streams | p50 ${fmtSpread(p.overheadP50, 3, ' ms', true)}, p99 ${fmtSpread(p.overheadP99, 3, ' ms', true)} |`);
  }
  const t = r.throughput;
  if (t) {
    lines.push(`| Closed-loop requests/s, ${t.concurrency} connections (server-counted) | evalbench ${fmtSpread(t.ours.reqPerSec, 0)}, raw client ${fmtSpread(t.floor.reqPerSec, 0)}, autocannon ${fmtSpread(t.autocannon.reqPerSec, 0)} |`);
    lines.push(`| CPU per 1,000 requests | evalbench ${fmtSpread(t.ours.cpuMsPer1000, 0, ' ms')}, raw client ${fmtSpread(t.floor.cpuMsPer1000, 0, ' ms')} (${fmtSpread(t.cpuRatio, 2, 'x')}) |`);
    lines.push(`| Heap allocated per streamed request | evalbench ${fmtSpread(t.ours.allocKbPerRequest, 1, ' KB')}, raw client ${fmtSpread(t.floor.allocKbPerRequest, 1, ' KB')} (${fmtSpread(t.allocRatio, 2, 'x')}) |`);
  }
  for (const o of r.openLoop?.levels ?? []) {
    lines.push(`| Open loop at ${fmtInt(o.targetRate)} req/s | arrived at the server ${fmtSpread(o.arrivedShare, 3)} of target, release lag p99 ${fmtSpread(o.lagP99Ms, 2, ' ms')} |`);
  }
  for (const s of r.memory?.runs ?? []) {
    lines.push(`| \`evalbench run\` of ${fmtInt(s.jobs)} jobs | ${fmt(s.wallSec, 1)} s, peak RSS ${fmt(s.peakRssMb, 0)} MB |`);
  }
  for (const s of r.memory?.skipped ?? []) {
    lines.push(`| \`evalbench run\` of ${fmtInt(s.jobs)} jobs | not run: projected ${fmt(s.projectedSec, 0)} s did not fit the time budget |`);
  }
  lines.push('', '| goal | measured | status |', '|---|---|---|');
  for (const g of r.goals) lines.push(`| ${g.goal} | ${g.value} | ${g.met === null ? 'not run' : g.met ? 'met' : `**missed** by ${g.missedBy}`} |`);
  lines.push('');
  return lines.join('\n');
}
