import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start servers and measure time: keep them from fighting over 2 cores.
    maxWorkers: 2,
    // Rebuilds dist/ from src/ first: CLI tests spawn bin/evalbench.js as users run it, never a stale build.
    globalSetup: ['test/global-setup.ts'],
  },
});
