// Preloaded into a measured child (`node --import ./bench/peak-rss-probe.mjs bin/evalbench.js ...`,
// and the raw floor client the same way, so both carry the same instrument). At exit it writes to
// $EVALBENCH_RSS_FILE the process's peak RSS (getrusage ru_maxrss) and, over the request window
// (from the first POST's start to the end of the $EVALBENCH_PROBE_REQUESTS-th POST response, seen
// through node:http's diagnostics channels, so start-up and report writing stay out), its CPU
// time, bytes allocated on the V8 heap (from v8.GCProfiler: each GC's heap before it minus the
// heap after the previous one) and GC pauses. Only POSTs to $EVALBENCH_PROBE_HOST (host:port of the
// bench's server) count: evalbench's client warm-up POSTs to a throw-away server of its own, and
// counting those would open the window before the run and close it 5 responses early.
//
// Worker threads (`evalbench run --workers N`, N > 1, sends from HTTP worker threads): the probe
// loads itself into every worker thread (through the Worker's execArgv). Each thread reports its
// POSTs to the main thread over a BroadcastChannel and measures its own heap allocation from its
// first POST until the main thread closes the window; the window's CPU time is the whole
// process's (every thread), and its allocation is the sum over the threads.
import { writeFileSync } from 'node:fs';
import dc from 'node:diagnostics_channel';
import { syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import wt from 'node:worker_threads';

const file = process.env.EVALBENCH_RSS_FILE;
const expected = Number(process.env.EVALBENCH_PROBE_REQUESTS ?? 0);
const measuredHost = process.env.EVALBENCH_PROBE_HOST || null;
const channel = file ? new BroadcastChannel('evalbench-probe') : null;

/** A POST to the bench's server (any POST when no host was given). */
function measured(request) {
  return request.method === 'POST' && (measuredHost === null || request.getHeader('host') === measuredHost);
}

function heapUsed() {
  return v8.getHeapStatistics().used_heap_size;
}

/** This thread's heap: bytes allocated (each GC's heap before it minus the heap after the previous one) and GC pauses. */
function startHeapWindow() {
  const profiler = new v8.GCProfiler();
  profiler.start();
  return { profiler, heap0: heapUsed() };
}

function stopHeapWindow({ profiler, heap0 }) {
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
  return { allocatedBytes: allocated, gcs: gcs.length, gcPauseMaxMs: pauseMaxUs / 1000, gcPauseSumMs: pauseSumUs / 1000 };
}

/** Main thread: the window over every thread's POSTs; worker threads' heaps are added as they report. */
function mainThreadProbe() {
  let window = null;
  let open = null;
  let finished = 0;
  const threads = [];

  // Every worker thread started from now on loads this probe first (once, whatever it inherits).
  const isSelf = (a) => a === import.meta.url || a === fileURLToPath(import.meta.url);
  const Original = wt.Worker;
  wt.Worker = class extends Original {
    constructor(filename, options = {}) {
      const inherited = (options.execArgv ?? process.execArgv).filter((a, i, all) => !isSelf(a) && !isSelf(all[i + 1]));
      super(filename, { ...options, execArgv: [...inherited, '--import', import.meta.url] });
    }
  };
  syncBuiltinESMExports();

  const onStart = () => {
    if (open || window) return;
    open = { heap: startHeapWindow(), t0: performance.now(), cpu0: process.cpuUsage() };
  };
  const onFinish = () => {
    if (!open) return;
    finished++;
    if (finished === expected) closeWindow();
  };
  const closeWindow = () => {
    const cpu = process.cpuUsage(open.cpu0);
    window = { requests: finished, ms: performance.now() - open.t0, cpuUs: cpu.user + cpu.system, ...stopHeapWindow(open.heap), threads: 1 };
    open = null;
    channel.postMessage({ t: 'close' });
  };
  dc.subscribe('http.client.request.start', ({ request }) => measured(request) && onStart());
  dc.subscribe('http.client.response.finish', ({ request }) => measured(request) && onFinish());
  channel.onmessage = ({ data }) => {
    if (data.t === 'start') onStart();
    else if (data.t === 'finish') onFinish();
    else if (data.t === 'heap') threads.push(data.heap);
  };
  channel.unref(); // after onmessage, which refs it: the probe must not keep the process alive
  process.on('exit', () => {
    if (open) closeWindow();
    if (window) {
      for (const h of threads) {
        window.allocatedBytes += h.allocatedBytes;
        window.gcs += h.gcs;
        window.gcPauseMaxMs = Math.max(window.gcPauseMaxMs, h.gcPauseMaxMs);
        window.gcPauseSumMs += h.gcPauseSumMs;
        window.threads += 1;
      }
    }
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

/** A worker thread: its POSTs go to the main thread's count; its heap window runs from its first POST to the main thread's close. */
function workerThreadProbe() {
  let heap = null;
  let closed = false;
  dc.subscribe('http.client.request.start', ({ request }) => {
    if (!measured(request) || heap || closed) return;
    heap = startHeapWindow();
    channel.postMessage({ t: 'start' }); // only the first: the main thread opens the window at the first of any thread
  });
  dc.subscribe('http.client.response.finish', ({ request }) => {
    if (measured(request)) channel.postMessage({ t: 'finish' });
  });
  channel.onmessage = ({ data }) => {
    if (data.t !== 'close' || closed) return;
    closed = true;
    if (heap) channel.postMessage({ t: 'heap', heap: stopHeapWindow(heap) });
  };
  channel.unref();
}

if (file) {
  if (wt.isMainThread) mainThreadProbe();
  else workerThreadProbe();
}
