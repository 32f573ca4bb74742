// Preloaded into a measured child (`node --import ./bench/peak-rss-probe.mjs bin/evalbench.js ...`):
// at exit it writes the process's own peak RSS (getrusage ru_maxrss) to $EVALBENCH_RSS_FILE.
// Exact, unlike polling, and it works wherever Node runs.
import { writeFileSync } from 'node:fs';

const file = process.env.EVALBENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const ru = process.resourceUsage();
    const mem = process.memoryUsage();
    writeFileSync(file, JSON.stringify({
      maxRssKb: ru.maxRSS,
      cpuUserUs: ru.userCPUTime,
      cpuSystemUs: ru.systemCPUTime,
      heapUsedAtExit: mem.heapUsed,
      rssAtExit: mem.rss,
    }));
  });
}
