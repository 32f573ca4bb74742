// Preloaded into a measured child (`node --import ./bench/peak-rss-probe.mjs bin/evalbench.js ...`,
// and the raw floor client the same way, so both carry the same instrument). At exit it writes to
// $EVALBENCH_RSS_FILE the process's peak RSS (getrusage ru_maxrss) and, over the request window
// (from the first POST's start to the end of the $EVALBENCH_PROBE_REQUESTS-th POST response, seen
// through node:http's diagnostics channels, so start-up and report writing stay out), its CPU
// time, bytes allocated on the V8 heap (from v8.GCProfiler: each GC's heap before it minus the
// heap after the previous one) and GC pauses. Only POSTs to $EVALBENCH_PROBE_HOST (host:port of the
// bench's server) count: evalbench's client warm-up POSTs to a throw-away server of its own, and
// counting those would open the window before the run and close it 5 responses early.
import { writeFileSync } from 'node:fs';
import dc from 'node:diagnostics_channel';
import v8 from 'node:v8';

const file = process.env.EVALBENCH_RSS_FILE;
const expected = Number(process.env.EVALBENCH_PROBE_REQUESTS ?? 0);
const measuredHost = process.env.EVALBENCH_PROBE_HOST || null;

/** A POST to the bench's server (any POST when no host was given). */
function measured(request) {
  return request.method === 'POST' && (measuredHost === null || request.getHeader('host') === measuredHost);
}
let window = null;
let open = null;
let finished = 0;

function heapUsed() {
  return v8.getHeapStatistics().used_heap_size;
}

function onStart({ request }) {
  if (open || window || !measured(request)) return;
  const profiler = new v8.GCProfiler();
  profiler.start();
  open = { profiler, t0: performance.now(), cpu0: process.cpuUsage(), heap0: heapUsed() };
}

function closeWindow() {
  const { profiler, t0, cpu0, heap0 } = open;
  const cpu = process.cpuUsage(cpu0);
  const heap1 = heapUsed();
  const gcs = profiler.stop()?.statistics ?? [];
  let allocated = 0;
  let prevAfter = heap0;
  let pauseMaxUs = 0;
  let pauseSumUs = 0;
  for (const g of gcs) {
    allocated += Math.max(0, g.beforeGC.heapStatistics.usedHeapSize - prevAfter);
    prevAfter = g.afterGC.heapStatistics.usedHeapSize;
    pauseMaxUs = Math.max(pauseMaxUs, g.cost);
    pauseSumUs += g.cost;
  }
  allocated += Math.max(0, heap1 - prevAfter);
  window = { requests: finished, ms: performance.now() - t0, cpuUs: cpu.user + cpu.system, allocatedBytes: allocated, gcs: gcs.length, gcPauseMaxMs: pauseMaxUs / 1000, gcPauseSumMs: pauseSumUs / 1000 };
  open = null;
}

function onFinish({ request }) {
  if (!open || !measured(request)) return;
  finished++;
  if (finished === expected) closeWindow();
}

if (file) {
  dc.subscribe('http.client.request.start', onStart);
  dc.subscribe('http.client.response.finish', onFinish);
  process.on('exit', () => {
    if (open) closeWindow();
    const ru = process.resourceUsage();
    const mem = process.memoryUsage();
    writeFileSync(file, JSON.stringify({
      maxRssKb: ru.maxRSS,
      cpuUserUs: ru.userCPUTime,
      cpuSystemUs: ru.systemCPUTime,
      heapUsedAtExit: mem.heapUsed,
      rssAtExit: mem.rss,
      window,
    }));
  });
}
