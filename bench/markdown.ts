import type { BenchReport } from './bench-report.ts';
import { fmt, fmtInt } from './table.ts';

const ms = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '-' : `${fmt(v, d)} ms`);

/** The README's "Performance" section for one bench run: key numbers and the machine they came from. */
export function renderPerformanceMarkdown(r: BenchReport): string {
  const m = r.machine;
  const lines: string[] = [
    '## Performance',
    '',
    `Measured by \`npm run bench\` (${r.scale}) on ${r.date}: ${m.cpu}, ${m.cores} cores, ${fmtInt(m.totalMemMb)} MB RAM, ${m.os}, Node ${m.node}. ` +
      `Load average ${m.loadAvg1} at start, ${r.loadAvgAtEnd} at end${m.loadAvg1 > m.cores * 0.5 ? ' (a busy machine: timings are noisy)' : ''}. ` +
      `The simulator runs in its own process; raw data in \`results/bench/${r.date}.json\`.`,
    '',
    '| measurement | result |',
    '|---|---|',
  ];
  for (const x of r.micro?.rows ?? []) lines.push(`| ${x.name} | ${fmtInt(x.unitsPerSec)} ${x.unit}/s (${fmt(x.meanMs, 2)} ms per run) |`);
  for (const l of r.precision?.levels ?? []) {
    lines.push(
      `| TTFT overhead above a raw node:http client, paired with the simulator's own record of each request, concurrency ${l.concurrency} | ` +
        `p50 ${ms(l.overhead.paired.p50, 3)}, p99 ${ms(l.overhead.paired.p99, 3)} (ours: client − simulator TTFT p50 ${ms(l.ours.paired.p50, 3)}, p99 ${ms(l.ours.paired.p99, 3)}) |`,
    );
    lines.push(
      `| TTFT overhead above a raw node:http client, measured − injected, concurrency ${l.concurrency} | p50 ${ms(l.overhead.ttft.p50, 3)}, p99 ${ms(l.overhead.ttft.p99, 3)} ` +
        `(ours: TTFT - injected p50 ${ms(l.ours.ttft.p50, 3)}, p99 ${ms(l.ours.ttft.p99, 3)}) |`,
    );
    lines.push(`| ITL overhead above the raw client, concurrency ${l.concurrency} | p50 ${ms(l.overhead.itl.p50, 3)}, p99 ${ms(l.overhead.itl.p99, 3)} |`);
  }
  const t = r.throughput;
  if (t) {
    lines.push(
      `| Completed streamed requests/s, ${t.concurrency} connections | ours ${fmtInt(t.ours.reqPerSec)}, autocannon ${fmtInt(t.autocannon.reqPerSec)} ` +
        `(${fmt(t.ratio * 100, 0)}%); CPU per request ${fmtInt(t.ours.cpuUsPerRequest)} µs vs ${fmtInt(t.autocannon.cpuUsPerRequest)} µs |`,
    );
    lines.push(
      `| Same, minimal string-scan client (attribution) | over node:http ${fmtInt(t.diag.rawHttp.reqPerSec)}/s (${fmtInt(t.diag.rawHttp.cpuUsPerRequest)} µs CPU/req), ` +
        `over fetch ${fmtInt(t.diag.fetch.reqPerSec)}/s (${fmtInt(t.diag.fetch.cpuUsPerRequest)} µs CPU/req) |`,
    );
  }
  for (const s of r.scaleRuns?.runs ?? []) {
    lines.push(`| \`evalbench run\` of ${fmtInt(s.jobs)} jobs | ${fmt(s.wallSec, 1)} s, peak RSS ${fmt(s.peakRssMb, 0)} MB, live heap after full GC ${fmt(s.liveHeapMb, 0)} MB |`);
  }
  for (const s of r.scaleRuns?.skipped ?? []) {
    lines.push(`| \`evalbench run\` of ${fmtInt(s.jobs)} jobs | not run: projected ${fmt(s.projectedSec, 0)} s did not fit the time budget |`);
  }
  for (const o of r.openLoop?.levels ?? []) {
    lines.push(`| Open loop at ${fmtInt(o.targetRate)} req/s | offered ${fmtInt(o.offeredRate)}/s, completed ${fmtInt(o.completedRate)}/s, schedule lag p99 ${ms(o.scheduleLag.p99, 2)} |`);
  }
  lines.push('', '| goal | measured | status |', '|---|---|---|');
  for (const g of r.goals) lines.push(`| ${g.goal} | ${g.value} | ${g.met === null ? 'n/a' : g.met ? 'met' : 'missed'} |`);
  lines.push('');
  return lines.join('\n');
}
