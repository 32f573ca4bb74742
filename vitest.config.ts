import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start servers and measure time: keep them from fighting over 2 cores.
    maxWorkers: 2,
    // bin/evalbench.js runs src/ through tsx instead of dist/, so CLI tests never see a stale build.
    env: { EVALBENCH_FROM_SOURCE: '1' },
  },
});
